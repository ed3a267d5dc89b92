import { FEEDBACK_CATEGORY_LABELS, FEEDBACK_STATUS_LABELS, type FeedbackTicket } from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { Empty, ErrorBox, Loading, useAsync } from '../ui'

/** The member detail page's 反馈 tab: the member's tickets, newest first (handled on the 会员反馈 page). */
export function MemberFeedbackTab({ memberId }: { memberId: string }) {
  const [state, reload] = useAsync(
    () => api<{ items: FeedbackTicket[] }>('GET', `/api/ops/members/${encodeURIComponent(memberId)}/feedback`),
    [memberId],
  )
  if (state.status === 'error') return <ErrorBox error={state.error} onRetry={reload} />
  if (!state.data) return <Loading />
  if (state.data.items.length === 0) return <Empty text='该会员没有提交过反馈' />
  return (
    <div className='table-wrap' data-testid='member-feedback'>
      <table className='table table-dense'>
        <thead>
          <tr>
            <th>工单</th>
            <th>类别</th>
            <th>内容</th>
            <th>状态</th>
            <th>处理人</th>
            <th>提交时间</th>
            <th>首次响应</th>
          </tr>
        </thead>
        <tbody>
          {state.data.items.map((t) => (
            <tr key={t.ticketId} data-testid='member-feedback-row'>
              <td className='mono'>{t.ticketId}</td>
              <td>{FEEDBACK_CATEGORY_LABELS[t.category]}</td>
              <td>
                {t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}
                {t.hasPhoto && <span className='tag chip'>有图</span>}
              </td>
              <td>{FEEDBACK_STATUS_LABELS[t.status]}</td>
              <td>{t.assignee ?? '—'}</td>
              <td className='nowrap'>{formatInstant(t.createdAt).slice(0, 16)}</td>
              <td className='nowrap'>{t.firstResponseAt ? formatInstant(t.firstResponseAt).slice(0, 16) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
