import { useEffect, useState, type FormEvent } from 'react'
import {
  FEEDBACK_CATEGORY_LABELS,
  FEEDBACK_STATUS_LABELS,
  feedbackAssignRequest,
  feedbackCloseRequest,
  feedbackReplyRequest,
  feedbackTransition,
  type FeedbackEvent,
  type FeedbackTicket,
} from '@mall/shared'
import { api, apiBlob, errorText } from '../api'
import { formatInstant } from '../format'
import { ErrorBox, Loading } from '../ui'
import { StaffName } from '../staff-names'

/** One feedback ticket in the console: what the member wrote (and the photo), its history, the next actions. */
type Action = 'assign' | 'reply' | 'close'
const ACTIONS: Record<
  Action,
  {
    label: string
    field: string
    placeholder: string
    schema: { safeParse(v: unknown): { success: boolean } }
    invalid: string
    multiline: boolean
  }
> = {
  assign: {
    label: '分派',
    field: 'assignee',
    placeholder: '处理人账号或部门，如 物业部',
    schema: feedbackAssignRequest,
    invalid: '请填写处理人或部门（最多 40 字）',
    multiline: false,
  },
  reply: {
    label: '回复会员',
    field: 'text',
    placeholder: '会员在小程序中可以看到回复',
    schema: feedbackReplyRequest,
    invalid: '请填写回复内容（最多 1000 字）',
    multiline: true,
  },
  close: {
    label: '关闭工单',
    field: 'resolution',
    placeholder: '处理结果，会员可以看到',
    schema: feedbackCloseRequest,
    invalid: '请填写处理结果（最多 500 字）',
    multiline: true,
  },
}
const ACTION_NAMES: Record<FeedbackEvent['action'], string> = {
  submit: '会员提交',
  assign: '分派',
  reply: '回复',
  follow_up: '会员追问',
  close: '关闭',
}
export function TicketDetail({
  ticket: t,
  onChanged,
}: {
  ticket: FeedbackTicket
  onChanged: (t: FeedbackTicket) => void
}) {
  const [photo, setPhoto] = useState<string | null>(null)
  const [photoError, setPhotoError] = useState<unknown>(null)
  useEffect(() => {
    if (!t.hasPhoto) return
    let url: string | null = null
    let live = true
    apiBlob(`/api/ops/feedback/${encodeURIComponent(t.ticketId)}/photo`).then(
      (blob) => {
        if (!live) return
        url = URL.createObjectURL(blob)
        setPhoto(url)
      },
      (e: unknown) => live && setPhotoError(e),
    )
    return () => {
      live = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [t.ticketId, t.hasPhoto])

  return (
    <div>
      <dl className='feedback-meta'>
        <dt>状态</dt>
        <dd>
          <span className={`tag ${t.status}`} data-testid='feedback-detail-status'>
            {FEEDBACK_STATUS_LABELS[t.status]}
          </span>
        </dd>
        <dt>类别</dt>
        <dd>{FEEDBACK_CATEGORY_LABELS[t.category]}</dd>
        <dt>会员</dt>
        <dd className='mono'>{t.memberId}</dd>
        <dt>门店</dt>
        <dd>{t.storeId ?? '—'}</dd>
        <dt>处理人</dt>
        <dd>{t.assignee ? <StaffName id={t.assignee} /> : '未分派'}</dd>
        <dt>提交时间</dt>
        <dd>{formatInstant(t.createdAt)}</dd>
        <dt>首次响应</dt>
        <dd>{t.firstResponseAt ? formatInstant(t.firstResponseAt) : '—'}</dd>
        <dt>关闭时间</dt>
        <dd>{t.closedAt ? formatInstant(t.closedAt) : '—'}</dd>
      </dl>
      <p className='feedback-text' data-testid='feedback-detail-text'>
        {t.text}
      </p>
      {t.hasPhoto &&
        (photo ? (
          <img className='feedback-photo' src={photo} alt='会员上传的图片' data-testid='feedback-detail-photo' />
        ) : photoError ? (
          <ErrorBox error={photoError} />
        ) : (
          <Loading text='图片加载中…' />
        ))}
      <h3 className='sub-title'>处理记录</h3>
      <ol className='feedback-history' data-testid='feedback-history'>
        {t.history.map((e, i) => (
          <li key={i}>
            <div className='who'>
              {formatInstant(e.at)} · {ACTION_NAMES[e.action]} ·{' '}
              {e.actor === 'member' ? '会员' : <StaffName id={e.actorId} />} → {FEEDBACK_STATUS_LABELS[e.status]}
            </div>
            {e.text && <div>{e.text}</div>}
          </li>
        ))}
      </ol>
      {(['assign', 'reply', 'close'] as const).map((a) => (
        <ActionForm key={a} ticket={t} action={a} onDone={onChanged} />
      ))}
    </div>
  )
}

/** One operator action, validated by its shared contract; only offered where the workflow allows it. */
function ActionForm({
  ticket,
  action,
  onDone,
}: {
  ticket: FeedbackTicket
  action: Action
  onDone: (t: FeedbackTicket) => void
}) {
  const spec = ACTIONS[action]
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (feedbackTransition(ticket.status, action) === null) {
    if (action === 'reply' && ticket.status === 'open') return <p className='hint'>先分派处理人，再回复会员。</p>
    return null
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const body = { [spec.field]: value }
    if (!spec.schema.safeParse(body).success) return setError(spec.invalid)
    setError(null)
    setBusy(true)
    try {
      onDone(
        await api<FeedbackTicket>('POST', `/api/ops/feedback/${encodeURIComponent(ticket.ticketId)}/${action}`, body),
      )
      setValue('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const props = {
    value,
    placeholder: spec.placeholder,
    'data-testid': `feedback-${action}-input`,
    onChange: (e: { target: { value: string } }) => setValue(e.target.value),
  }
  return (
    <form className='feedback-action' onSubmit={submit} noValidate>
      <strong>{spec.label}</strong>
      {spec.multiline ? <textarea {...props} /> : <input {...props} />}
      {error && (
        <span className='field-error' data-testid={`feedback-${action}-error`}>
          {error}
        </span>
      )}
      <div>
        <button
          className={`btn ${action === 'close' ? '' : 'btn-primary'}`}
          type='submit'
          data-testid={`feedback-${action}-submit`}
          disabled={busy}
        >
          {busy ? '提交中…' : spec.label}
        </button>
      </div>
    </form>
  )
}
