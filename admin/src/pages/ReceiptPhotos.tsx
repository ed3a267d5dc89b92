import { useEffect, useState } from 'react'
import {
  RECEIPT_FLAGS_ZH,
  RECEIPT_PHOTO_STATUS_ZH,
  RECEIPT_REJECT_REASONS_ZH,
  type ReceiptPhotoStatus,
  type ReceiptPhotoSubmission,
  type ReceiptQueuePage,
  type ReceiptRejectReason,
  type ReceiptReviewDetail,
  type ReceiptSla,
} from '@mall/shared'
import { api, apiBlob, errorText } from '../api'
import { DataTable } from '../components/DataTable'
import { defaultRange, fenToYuan, formatInstant, yuanToFen } from '../format'
import { ErrorBox, Loading, Panel, useAction, useAsync } from '../ui'
import { ReceiptRulesPanel } from './ReceiptRules'
import './receipt-photos.css'

const statusText = (s: ReceiptPhotoSubmission) =>
  s.status === 'approved'
    ? `已通过 +${s.points} 积分${s.autoApproved ? '（自动）' : ''}`
    : s.status === 'rejected'
      ? `未通过：${s.rejectReason ? RECEIPT_REJECT_REASONS_ZH[s.rejectReason] : '—'}`
      : RECEIPT_PHOTO_STATUS_ZH[s.status]

/**
 * 小票积分: members' receipt photos. The queue (oldest first), one receipt with its photo (click to zoom), what
 * OCR read, duplicate flags and the member's recent receipts; approve (the amount may change, with a note) or
 * reject with a listed reason. Above: time to decision (median, p90) this month; below: the versioned rules.
 */
export function ReceiptPhotosPage() {
  const [status, setStatus] = useState<ReceiptPhotoStatus>('pending')
  const [state, reload] = useAsync(
    () => api<ReceiptQueuePage>('GET', `/api/staff/receipt-photos?status=${status}`),
    [status],
  )
  const range = defaultRange()
  const [sla] = useAsync(
    () => api<ReceiptSla>('GET', `/api/ops/receipt-photos/sla?from=${range.from}&to=${range.to}`),
    [],
  )
  const [open, setOpen] = useState<string | null>(null)

  const columns = [
    {
      key: 'submittedAt',
      title: '提交时间',
      className: 'nowrap',
      render: (s: ReceiptPhotoSubmission) => formatInstant(s.submittedAt),
    },
    {
      key: 'memberId',
      title: '会员号',
      className: 'mono',
      width: '7em',
      render: (s: ReceiptPhotoSubmission) => s.memberId,
    },
    { key: 'store', title: '门店', width: '9em', render: (s: ReceiptPhotoSubmission) => s.storeName },
    { key: 'receiptNo', title: '小票号', className: 'mono', render: (s: ReceiptPhotoSubmission) => s.receiptNo },
    {
      key: 'amount',
      title: '金额（元）',
      numeric: true,
      render: (s: ReceiptPhotoSubmission) => fenToYuan(s.amountFen),
    },
    {
      key: 'flags',
      title: '提醒',
      render: (s: ReceiptPhotoSubmission) => (s.flags.length ? `⚠ ${s.flags.length}` : ''),
    },
    { key: 'status', title: '状态', width: '12em', render: statusText },
  ]

  return (
    <div className='page'>
      <Panel title='审核时效（本月）' testId='receipt-sla'>
        {sla.status === 'ok' ? (
          <p data-testid='receipt-sla-figures'>
            已处理 {sla.data.decided} 张（自动通过 {sla.data.autoApproved}）· 中位数 {sla.data.medianMinutes ?? '—'}{' '}
            分钟 · P90 {sla.data.p90Minutes ?? '—'} 分钟 · 待审核 {sla.data.pending} 张
            {sla.data.oldestPendingMinutes !== null ? `，最久已等 ${sla.data.oldestPendingMinutes} 分钟` : ''}
          </p>
        ) : sla.status === 'error' ? (
          <ErrorBox error={sla.error} />
        ) : (
          <Loading />
        )}
      </Panel>
      <Panel
        title='小票审核'
        testId='receipt-photos'
        extra={
          <select
            data-testid='receipt-status'
            value={status}
            onChange={(e) => setStatus(e.target.value as ReceiptPhotoStatus)}
          >
            {(['pending', 'approved', 'rejected', 'undone'] as const).map((s) => (
              <option key={s} value={s}>
                {RECEIPT_PHOTO_STATUS_ZH[s]}
              </option>
            ))}
          </select>
        }
      >
        <DataTable
          testId='receipt-table'
          rowTestId='receipt-row'
          rows={state.data?.items}
          loading={state.status === 'loading'}
          error={state.status === 'error' ? state.error : undefined}
          onRetry={reload}
          rowKey={(s) => s.submissionId}
          emptyText={status === 'pending' ? '没有待审核的小票' : '暂无记录'}
          columns={columns}
          actions={(s) => (
            <button
              className='btn btn-small'
              type='button'
              data-testid='receipt-open'
              onClick={() => setOpen(s.submissionId)}
            >
              查看
            </button>
          )}
        />
      </Panel>
      {open && (
        <ReceiptReview
          id={open}
          onClose={() => setOpen(null)}
          onDecided={() => {
            setOpen(null)
            reload()
          }}
        />
      )}
      <ReceiptRulesPanel />
    </div>
  )
}

function ReceiptReview({ id, onClose, onDecided }: { id: string; onClose: () => void; onDecided: () => void }) {
  const [detail, reload] = useAsync(
    () => api<ReceiptReviewDetail>('GET', `/api/staff/receipt-photos/${encodeURIComponent(id)}`),
    [id],
  )
  const { busy, message, setMessage, act } = useAction(reload)
  const [photo, setPhoto] = useState<string | null>(null)
  const [zoom, setZoom] = useState(false)
  const [amount, setAmount] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [reason, setReason] = useState<ReceiptRejectReason>('unreadable')

  useEffect(() => {
    let url: string | null = null
    let live = true
    setPhoto(null)
    apiBlob(`/api/staff/receipt-photos/${encodeURIComponent(id)}/photo`).then(
      (blob) => {
        if (!live) return
        url = URL.createObjectURL(blob)
        setPhoto(url)
      },
      (e: unknown) => live && setMessage({ ok: false, text: `照片：${errorText(e)}` }),
    )
    return () => {
      live = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [id, setMessage])

  if (detail.status !== 'ok')
    return detail.status === 'error' ? <ErrorBox error={detail.error} onRetry={reload} /> : <Loading />
  const { submission: s, recent } = detail.data
  const amountText = amount ?? (s.amountFen / 100).toFixed(2)
  const path = `/api/staff/receipt-photos/${encodeURIComponent(id)}`

  const approve = () => {
    const fen = yuanToFen(amountText)
    if (fen === null || fen <= 0) return setMessage({ ok: false, text: '请填写核实后的金额（元）' })
    const changed = fen !== s.amountFen
    if (changed && !note.trim()) return setMessage({ ok: false, text: '修改金额需填写原因' })
    void act(
      '',
      () =>
        api<ReceiptPhotoSubmission>('POST', `${path}/approve`, changed ? { amountFen: fen, note: note.trim() } : {}),
      onDecided,
    )
  }

  return (
    <Panel title={`小票 ${s.receiptNo}`} testId='receipt-review'>
      {message && (
        <div className={message.ok ? 'notice success' : 'form-error'} role='status' data-testid='receipt-message'>
          {message.text}
        </div>
      )}
      <div className='receipt-review'>
        {photo ? (
          <img
            src={photo}
            alt='小票照片'
            data-testid='receipt-photo'
            className={zoom ? 'receipt-photo is-zoomed' : 'receipt-photo'}
            onClick={() => setZoom(!zoom)}
            title={zoom ? '点击缩小' : '点击放大'}
          />
        ) : (
          <p className='muted'>{s.hasPhoto ? '照片加载中…' : '照片已过保存期'}</p>
        )}
        <dl className='kv'>
          <dt>会员</dt>
          <dd className='mono'>{s.memberId}</dd>
          <dt>门店</dt>
          <dd>{s.storeName}</dd>
          <dt>消费时间</dt>
          <dd>{formatInstant(s.purchasedAt)}</dd>
          <dt>会员填写金额</dt>
          <dd>¥{fenToYuan(s.amountFen)}</dd>
          <dt>照片识别</dt>
          <dd>
            {s.ocr
              ? `${s.ocr.amountFen !== null ? `¥${fenToYuan(s.ocr.amountFen)}` : '金额未识别'} · ` +
                `${s.ocr.receiptNo ?? '单号未识别'} · ` +
                (s.ocr.purchasedAt ? formatInstant(s.ocr.purchasedAt) : '时间未识别')
              : '未识别'}
          </dd>
          <dt>状态</dt>
          <dd>{statusText(s)}</dd>
        </dl>
      </div>
      {s.flags.map((f, i) => (
        <div key={i} className='form-error' data-testid='receipt-flag'>
          ⚠ {RECEIPT_FLAGS_ZH[f.kind]}
          {f.otherSubmissionId
            ? `（对比：${f.otherSubmissionId}${f.distance !== null ? `，差异 ${f.distance}` : ''}）`
            : ''}
        </div>
      ))}
      <h4>该会员近期小票</h4>
      {recent.length === 0 ? <p className='muted'>无</p> : null}
      <ul data-testid='receipt-recent'>
        {recent.map((r) => (
          <li key={r.submissionId}>
            {formatInstant(r.purchasedAt)} · {r.storeName} · ¥{fenToYuan(r.amountFen)} · {statusText(r)}
          </li>
        ))}
      </ul>
      {s.status === 'pending' ? (
        <>
          <div className='toolbar'>
            <label className='field-inline'>
              <span>核实后的金额（元）</span>
              <input data-testid='receipt-amount' value={amountText} onChange={(e) => setAmount(e.target.value)} />
            </label>
            <label className='field-inline'>
              <span>改金额原因</span>
              <input
                data-testid='receipt-note'
                value={note}
                maxLength={100}
                onChange={(e) => setNote(e.target.value)}
              />
            </label>
            <button
              className='btn btn-primary'
              type='button'
              disabled={busy}
              data-testid='receipt-approve'
              onClick={approve}
            >
              通过
            </button>
          </div>
          <div className='toolbar'>
            <label className='field-inline'>
              <span>驳回原因</span>
              <select
                data-testid='receipt-reason'
                value={reason}
                onChange={(e) => setReason(e.target.value as ReceiptRejectReason)}
              >
                {Object.entries(RECEIPT_REJECT_REASONS_ZH).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <button
              className='btn'
              type='button'
              disabled={busy}
              data-testid='receipt-reject'
              onClick={() => void act('', () => api('POST', `${path}/reject`, { reason }), onDecided)}
            >
              驳回
            </button>
          </div>
        </>
      ) : s.status === 'approved' ? (
        <div className='toolbar'>
          <button
            className='btn'
            type='button'
            disabled={busy}
            data-testid='receipt-undo'
            onClick={() => void act('', () => api('POST', `${path}/undo`, {}), onDecided)}
          >
            撤销通过（扣回积分）
          </button>
        </div>
      ) : null}
      <div className='toolbar'>
        <button className='btn' type='button' onClick={onClose}>
          关闭
        </button>
      </div>
    </Panel>
  )
}
