import { useEffect, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button, Image, Input, Picker, Text, View } from '@tarojs/components'
import {
  RECEIPT_FLAGS_ZH,
  RECEIPT_REJECT_REASONS,
  RECEIPT_REJECT_REASONS_ZH,
  type ReceiptPhotoSubmission,
  type ReceiptReviewDetail,
} from '@mall/shared'
import { goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import {
  decideReceipt,
  downloadReceiptPhoto,
  fetchReceiptDetail,
  fetchReceiptQueue,
} from '../../../services/receipt-photos'
import { receiptStatusText, receiptTitle } from '../../../lib/receipt-photo-format'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import { parseYuanToFen } from '../../lib/staff-format'
import StateView from '../../components/state-view'
import { staffError, useStaffData } from '../../lib/use-staff-data'
import '../../staff.css'
import './index.css'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none' })

/**
 * 小票审核 (the service desk and operators): members' receipt photos waiting for review, oldest first. Opening
 * one shows the photo (tap to zoom), what the member entered and what OCR read, duplicate flags, the member's
 * recent receipts; 通过 posts the points (the amount may be changed, with a note), 驳回 takes a listed reason.
 * Hooks: receipt-queue-row, receipt-open, receipt-review, receipt-photo, receipt-approve-amount,
 * receipt-approve-note, receipt-approve, receipt-reject-reason, receipt-reject, receipt-flag.
 */
export default function ReceiptReviewPage() {
  const queue = useStaffData(() => fetchReceiptQueue('pending'))
  const [open, setOpen] = useState<string | null>(null)

  useDidShow(() => {
    if (!isStaffLoggedIn()) return goToStaffLogin()
    void queue.reload()
  })
  usePullDownRefresh(() => {
    void queue.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const items = queue.data?.items ?? []
  if (queue.error?.code === 'AUTH.FORBIDDEN') {
    // A store's own staff opened the page directly (their 工作台 has no such tile): say whose work it is.
    return (
      <View className='page staff-page'>
        <View className='surface state-box receipt-not-desk'>
          <Text className='muted'>小票审核由商场服务台处理，当前账号没有这项权限</Text>
        </View>
      </View>
    )
  }
  return (
    <View className='page staff-page'>
      <StateView
        loading={queue.loading}
        error={queue.error}
        hasData={queue.data !== null}
        empty={items.length === 0}
        emptyText='暂无待审核的小票'
        onRetry={() => void queue.reload()}
      />
      {items.length > 0 ? (
        <Text className='muted receipt-queue-count'>待审核 {queue.data?.total ?? items.length} 张</Text>
      ) : null}
      {items.map((s) => (
        <View key={s.submissionId} className='surface receipt-queue-row' data-id={s.submissionId}>
          <View
            className='staff-row__main receipt-open'
            onClick={() => setOpen(open === s.submissionId ? null : s.submissionId)}
          >
            <Text className='staff-row__title'>{receiptTitle(s)}</Text>
            <Text className='muted'>
              提交于 {formatShanghaiDateTime(s.submittedAt)} · 小票号 {s.receiptNo}
              {s.flags.length > 0 ? ` · ⚠ ${s.flags.length} 项提醒` : ''}
            </Text>
          </View>
          {open === s.submissionId ? (
            <ReviewPanel
              id={s.submissionId}
              onDecided={() => {
                setOpen(null)
                void queue.reload()
              }}
            />
          ) : null}
        </View>
      ))}
    </View>
  )
}

function ReviewPanel({ id, onDecided }: { id: string; onDecided: () => void }) {
  const [detail, setDetail] = useState<{ data: ReceiptReviewDetail | null; error: unknown }>({
    data: null,
    error: null,
  })
  const [photo, setPhoto] = useState<string | null>(null)
  const [amount, setAmount] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [reason, setReason] = useState(-1)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    fetchReceiptDetail(id).then(
      (data) => live && setDetail({ data, error: null }),
      (error: unknown) => live && setDetail({ data: null, error }),
    )
    // The photo comes by downloadFile (image bytes with the staff token), once per opened receipt.
    void downloadReceiptPhoto(id, 'staff').then(
      (path) => live && setPhoto(path),
      () => live && setPhoto(''),
    )
    return () => {
      live = false
    }
  }, [id])
  if (!detail.data) {
    return <Text className='muted'>{detail.error ? staffError(detail.error).message : '加载中…'}</Text>
  }
  const { submission: s, recent } = detail.data
  const entered = (s.amountFen / 100).toFixed(2)
  const amountText = amount ?? entered

  const approve = async () => {
    if (busy) return
    const parsed = parseYuanToFen(amountText)
    if (!parsed.ok) return toast(parsed.message)
    const changed = parsed.value !== s.amountFen
    if (changed && !note.trim()) return toast('修改金额需填写原因')
    setBusy(true)
    try {
      const r = await decideReceipt(id, {
        action: 'approve',
        ...(changed ? { amountFen: parsed.value, note: note.trim() } : {}),
      })
      void Taro.showToast({ title: `已通过 +${r.points} 积分`, icon: 'none' })
      onDecided()
    } catch (e) {
      toast(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }
  const reject = async () => {
    if (busy) return
    const code = RECEIPT_REJECT_REASONS[reason]
    if (!code) return toast('请选择驳回原因')
    setBusy(true)
    try {
      await decideReceipt(id, { action: 'reject', reason: code })
      void Taro.showToast({ title: '已驳回', icon: 'none' })
      onDecided()
    } catch (e) {
      toast(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='receipt-review'>
      {photo ? (
        <Image
          className='receipt-photo'
          src={photo}
          mode='widthFix'
          onClick={() => void Taro.previewImage({ urls: [photo], current: photo })}
        />
      ) : (
        <Text className='muted'>{s.hasPhoto ? '照片加载中…' : '照片已过保存期'}</Text>
      )}
      <Text className='muted'>点击照片可放大查看</Text>
      <Text>
        会员填写：¥{entered} · 小票号 {s.receiptNo} · {formatShanghaiDateTime(s.purchasedAt)}
      </Text>
      <Text className='muted'>
        照片识别：
        {s.ocr
          ? `${s.ocr.amountFen !== null ? `¥${formatYuan(s.ocr.amountFen)}` : '金额未识别'} · ${s.ocr.receiptNo ?? '单号未识别'}`
          : '未识别'}
      </Text>
      {s.flags.map((f, i) => (
        <Text key={i} className='receipt-flag error-text'>
          ⚠ {RECEIPT_FLAGS_ZH[f.kind]}
          {f.otherSubmissionId ? `（对比小票 ${f.otherSubmissionId.split(':')[1]}）` : ''}
        </Text>
      ))}
      <Text className='receipt-review__subtitle'>该会员近期小票</Text>
      {recent.length === 0 ? <Text className='muted'>无</Text> : null}
      {recent.map((r: ReceiptPhotoSubmission) => (
        <Text key={r.submissionId} className='muted'>
          {receiptTitle(r)} · {receiptStatusText(r)}
        </Text>
      ))}
      <View className='receipt-review__approve'>
        <Text className='receipt-review__label'>核实金额（元）</Text>
        <Input
          className='staff-input receipt-approve-amount'
          type='digit'
          value={amountText}
          onInput={(e) => setAmount(e.detail.value)}
        />
        <Input
          className='staff-input receipt-approve-note'
          value={note}
          placeholder='改金额时填写原因'
          onInput={(e) => setNote(e.detail.value)}
        />
        <Button className={`btn-primary receipt-approve ${busy ? 'is-busy' : ''}`} onClick={() => void approve()}>
          通过
        </Button>
      </View>
      <View className='receipt-review__reject'>
        <Picker
          mode='selector'
          range={RECEIPT_REJECT_REASONS.map((r) => RECEIPT_REJECT_REASONS_ZH[r])}
          onChange={(e) => setReason(Number(e.detail.value))}
        >
          <Text className='staff-input receipt-reject-reason'>
            {reason >= 0 ? RECEIPT_REJECT_REASONS_ZH[RECEIPT_REJECT_REASONS[reason]!] : '选择驳回原因'}
          </Text>
        </Picker>
        <Button className='staff-btn-danger receipt-reject' onClick={() => void reject()}>
          驳回
        </Button>
      </View>
    </View>
  )
}
