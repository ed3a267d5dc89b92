import type { MemberDeletionView } from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { useAsync } from '../ui'

/**
 * A member's 注销账号 state beside their name: 注销中 (with the day the account is erased unless the member takes it
 * back) or 已注销 (when). Nothing for a member who never asked, or while the state cannot be read.
 */
export function MemberDeletionTag({ memberId }: { memberId: string }) {
  const [state] = useAsync(
    () => api<MemberDeletionView>('GET', `/api/ops/members/${encodeURIComponent(memberId)}/account-deletion`),
    [memberId],
  )
  const d = state.data
  if (!d || d.state === 'none') return null
  const when =
    d.state === 'pending' ? `将于 ${formatInstant(d.dueAt ?? '').slice(0, 10)} 注销` : formatInstant(d.erasedAt ?? '')
  return (
    <span className={`tag paused deletion-${d.state}`} data-testid='member-deletion' title={when}>
      {d.label}（{when}）
    </span>
  )
}
