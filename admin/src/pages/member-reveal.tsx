import { useState, type FormEvent } from 'react'
import {
  PERSONAL_FIELD_LABELS,
  REVEAL_REASON_MIN,
  revealReason,
  type PersonalField,
  type RevealFieldResponse,
} from '@mall/shared'
import { api, errorText } from '../api'

/**
 * A masked value with 查看: the operator writes why they need it, the server records the reason in the audit log
 * and answers the clear value, shown here until the page changes. `testId` prefixes the parts' test ids.
 */
export function RevealOnReason({
  testId,
  masked,
  emptyText,
  what,
  reveal,
}: {
  testId: string
  masked: string | null
  /** what to show when there is nothing to reveal (the member has not given it) */
  emptyText: string
  /** the value's name in the reason field's prompt: 手机号, 收货信息 … */
  what: string
  reveal: (reason: string) => Promise<string | null>
}) {
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [clear, setClear] = useState<{ value: string | null } | null>(null)

  if (masked === null) return <span className='muted'>{emptyText}</span>
  if (clear)
    return (
      <span data-testid={`${testId}-value`}>
        {clear.value ?? emptyText} <small className='muted'>（已查看，原因已记入审计日志）</small>
      </span>
    )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const parsed = revealReason.safeParse(reason)
    if (!parsed.success) return setError(`请填写查看原因（至少 ${REVEAL_REASON_MIN} 个字）`)
    setBusy(true)
    setError(null)
    try {
      setClear({ value: await reveal(parsed.data) })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div data-testid={testId}>
      <span data-testid={`${testId}-masked`}>{masked}</span>{' '}
      {!asking && (
        <button className='btn btn-small' type='button' data-testid={`${testId}-open`} onClick={() => setAsking(true)}>
          查看
        </button>
      )}
      {asking && (
        <form className='inline-row reveal-reason-form' onSubmit={submit}>
          <input
            data-testid={`${testId}-reason`}
            value={reason}
            maxLength={200}
            placeholder='查看原因，如 会员来电核实身份'
            aria-label={`查看完整${what}的原因`}
            onChange={(e) => setReason(e.target.value)}
          />
          <button className='btn btn-small' type='submit' data-testid={`${testId}-confirm`} disabled={busy}>
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

/** One of a member's personal fields (昵称, 手机, 生日) on the member page, masked, with 查看. */
export function RevealableField({
  memberId,
  field,
  masked,
  emptyText,
}: {
  memberId: string
  field: PersonalField
  masked: string | null
  emptyText: string
}) {
  const reveal = async (reason: string) => {
    const path = `/api/ops/members/${encodeURIComponent(memberId)}/reveal`
    return (await api<RevealFieldResponse>('POST', path, { field, reason })).value
  }
  return (
    <RevealOnReason
      testId={`reveal-${field}`}
      masked={masked}
      emptyText={emptyText}
      what={PERSONAL_FIELD_LABELS[field]}
      reveal={reveal}
    />
  )
}
