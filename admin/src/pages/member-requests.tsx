import { MEMBER_REQUEST_STATE_LABELS, type MemberRequestView } from '@mall/shared'
import { api, loadSession } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { Panel, useAction, useAsync } from '../ui'
import { StaffName } from '../staff-names'

/** Points adjustment requests: a member's history, and the queue a second operator decides. */

const signed = (n: number) => (n > 0 ? `+${n.toLocaleString('zh-CN')}` : n.toLocaleString('zh-CN'))
const STATE_TAGS: Record<MemberRequestView['state'], string> = {
  pending: 'open',
  approved: 'assigned',
  rejected: 'paused',
  applied: 'active',
  refused: 'paused',
}

const columns = (withMember: boolean): Column<MemberRequestView>[] => [
  { key: 'at', title: '提交时间', className: 'nowrap', render: (r) => formatInstant(r.requestedAt).slice(0, 16) },
  ...(withMember
    ? [
        {
          key: 'member',
          title: '会员',
          className: 'mono',
          render: (r: MemberRequestView) => <a href={`#/members/${encodeURIComponent(r.memberId)}`}>{r.memberId}</a>,
        },
      ]
    : []),
  { key: 'points', title: '调整积分', numeric: true, render: (r) => signed(r.points) },
  { key: 'reason', title: '原因' },
  { key: 'by', title: '申请人', render: (r) => `运营 ${r.requestedBy}` },
  {
    key: 'state',
    title: '状态',
    render: (r) => (
      <>
        <span className={`tag ${STATE_TAGS[r.state]}`} data-testid='member-request-state'>
          {MEMBER_REQUEST_STATE_LABELS[r.state]}
        </span>
        {r.decidedBy && (
          <small className='muted block'>
            {r.needsApproval || r.state === 'rejected' ? (
              <>
                审批人 <StaffName id={r.decidedBy} />
              </>
            ) : (
              '无需审批'
            )}
            {r.decisionReason ? `（${r.decisionReason}）` : ''}
            {r.refusal === 'POINTS.INSUFFICIENT' ? '：积分不足' : ''}
          </small>
        )}
      </>
    ),
  },
]

/**
 * Requests as a table; pending ones carry 批准 / 驳回 for operators other than the one who asked
 * (the server refuses a maker's own approval too).
 */
export function MemberRequestsPanel({
  title,
  memberId,
  pendingOnly = false,
  reloadKey = 0,
  onDecided,
  testId,
}: {
  title: string
  memberId?: string
  pendingOnly?: boolean
  reloadKey?: number
  onDecided?: () => void
  testId?: string
}) {
  const me = loadSession()?.staff.staffId
  const query = new URLSearchParams({
    ...(memberId ? { memberId } : {}),
    ...(pendingOnly ? { state: 'pending' } : {}),
  }).toString()
  const [list, reload] = useAsync(
    () => api<{ items: MemberRequestView[] }>('GET', `/api/ops/member-requests${query ? `?${query}` : ''}`),
    [query, reloadKey],
  )
  const { busy, message, act } = useAction(() => {
    reload()
    onDecided?.()
  })
  const decide = (r: MemberRequestView, approve: boolean) => {
    if (approve) {
      void act(`已批准：会员 ${r.memberId} 积分 ${signed(r.points)}`, () =>
        api('POST', `/api/ops/member-requests/${r.requestId}/approve`, {}),
      )
      return
    }
    const reason = window.prompt('驳回原因（申请人可以看到）', '')
    if (reason?.trim())
      void act('已驳回', () => api('POST', `/api/ops/member-requests/${r.requestId}/reject`, { reason: reason.trim() }))
  }
  if (pendingOnly && list.data?.items.length === 0 && !message) return null
  return (
    <Panel title={title} testId={testId}>
      {message && (
        <div
          className={message.ok ? 'notice success' : 'form-error'}
          role='status'
          data-testid='member-request-message'
        >
          {message.text}
        </div>
      )}
      <DataTable
        columns={columns(!memberId)}
        rows={list.data?.items}
        rowKey={(r) => r.requestId}
        loading={list.status === 'loading'}
        error={list.error}
        onRetry={reload}
        rowTestId='member-request-row'
        emptyText={pendingOnly ? '没有待审批的申请' : '暂无积分调整记录'}
        dense
        actions={(r) =>
          r.state !== 'pending' ? null : r.requestedBy === me ? (
            <small className='muted'>待其他运营审批</small>
          ) : (
            <>
              <button
                className='btn btn-small btn-primary'
                type='button'
                data-testid='member-request-approve'
                disabled={busy}
                onClick={() => decide(r, true)}
              >
                批准
              </button>
              <button
                className='btn btn-small danger'
                type='button'
                data-testid='member-request-reject'
                disabled={busy}
                onClick={() => decide(r, false)}
              >
                驳回
              </button>
            </>
          )
        }
      />
    </Panel>
  )
}
