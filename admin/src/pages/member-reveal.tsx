import { useState, type FormEvent } from 'react'
import {
  PERSONAL_FIELD_LABELS,
  REVEAL_REASON_MIN,
  revealFieldRequest,
  type PersonalField,
  type RevealFieldResponse,
} from '@mall/shared'
import { api, errorText } from '../api'

/**
 * One masked field on a member's page (昵称, 手机, 生日) with 查看: the operator writes why they need it, the
 * server records the reason in the audit log and answers the clear value, shown here until the page changes.
 */
export function RevealableField({
  memberId,
  field,
  masked,
  emptyText,
}: {
  memberId: string
  field: PersonalField
  masked: string | null
  /** what to show when the member has not given this field */
  emptyText: string
}) {
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [clear, setClear] = useState<RevealFieldResponse | null>(null)
  const label = PERSONAL_FIELD_LABELS[field]

  if (masked === null) return <span className='muted'>{emptyText}</span>
  if (clear)
    return (
      <span data-testid={`reveal-${field}-value`}>
        {clear.value ?? emptyText} <small className='muted'>（已查看，原因已记入审计日志）</small>
      </span>
    )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const parsed = revealFieldRequest.safeParse({ field, reason })
    if (!parsed.success) return setError(`请填写查看原因（至少 ${REVEAL_REASON_MIN} 个字）`)
    setBusy(true)
    setError(null)
    try {
      const path = `/api/ops/members/${encodeURIComponent(memberId)}/reveal`
      setClear(await api<RevealFieldResponse>('POST', path, parsed.data))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div data-testid={`reveal-${field}`}>
      <span data-testid={`reveal-${field}-masked`}>{masked}</span>{' '}
      {!asking && (
        <button
          className='btn btn-small'
          type='button'
          data-testid={`reveal-${field}-open`}
          onClick={() => setAsking(true)}
        >
          查看
        </button>
      )}
      {asking && (
        <form className='inline-row' onSubmit={submit} data-testid={`reveal-${field}-form`}>
          <input
            data-testid={`reveal-${field}-reason`}
            value={reason}
            maxLength={200}
            placeholder={`查看完整${label}的原因，如 会员来电核实身份`}
            aria-label={`查看完整${label}的原因`}
            onChange={(e) => setReason(e.target.value)}
          />
          <button className='btn btn-small' type='submit' data-testid={`reveal-${field}-confirm`} disabled={busy}>
            确认查看
          </button>
          <button className='btn btn-small' type='button' onClick={() => setAsking(false)} disabled={busy}>
            取消
          </button>
        </form>
      )}
      {error && <div className='form-error inline'>{error}</div>}
    </div>
  )
}
