import { useEffect, useState } from 'react'
import {
  RECEIPT_FLAGS_ZH,
  RECEIPT_PHOTO_STATUS_ZH,
  RECEIPT_REJECT_REASONS_ZH,
  type ReceiptPhotoSubmission,
  type ReceiptRejectReason,
  type ReceiptReviewDetail,
} from '@mall/shared'
import { api, apiBlob, errorText } from '../api'
import { InlineTextField, RejectWithReason } from '../components/fields'
import { fenToYuan, formatInstant, yuanToFen } from '../format'
import { ErrorBox, Loading, Panel, useAction, useAsync } from '../ui'

export const statusText = (s: ReceiptPhotoSubmission) =>
  s.status === 'approved'
    ? `已通过 +${s.points} 积分${s.autoApproved ? '（自动）' : ''}`
    : s.status === 'rejected'
      ? `未通过：${s.rejectReason ? RECEIPT_REJECT_REASONS_ZH[s.rejectReason] : '—'}`
      : RECEIPT_PHOTO_STATUS_ZH[s.status]

/**
 * One receipt under review: its photo (click to zoom), what OCR read, duplicate flags and the member's recent
 * receipts; approve (the amount may change, with a note), reject with a listed reason, or undo an approval.
 */
export function ReceiptReview({ id, onClose, onDecided }: { id: string; onClose: () => void; onDecided: () => void }) {
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
            <InlineTextField
              label='核实后的金额（元）'
              testId='receipt-amount'
              value={amountText}
              onChange={setAmount}
            />
            <InlineTextField label='改金额原因' testId='receipt-note' value={note} maxLength={100} onChange={setNote} />
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
          <RejectWithReason
            reasons={RECEIPT_REJECT_REASONS_ZH}
            reason={reason}
            onReason={setReason}
            busy={busy}
            testIdPrefix='receipt'
            onReject={() => void act('', () => api('POST', `${path}/reject`, { reason }), onDecided)}
          />
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
