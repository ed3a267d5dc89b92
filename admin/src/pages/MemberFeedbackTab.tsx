import { FEEDBACK_CATEGORY_LABELS, FEEDBACK_STATUS_LABELS, type FeedbackTicket } from '@mall/shared'
import { api } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { useAsync } from '../ui'
import { StaffName } from '../staff-names'

const COLUMNS: Column<FeedbackTicket>[] = [
  { key: 'ticketId', title: '工单', className: 'mono' },
  { key: 'category', title: '类别', render: (t) => FEEDBACK_CATEGORY_LABELS[t.category] },
  {
    key: 'text',
    title: '内容',
    render: (t) => (
      <>
        {t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}
        {t.hasPhoto && <span className='tag chip'>有图</span>}
      </>
    ),
  },
  { key: 'status', title: '状态', render: (t) => FEEDBACK_STATUS_LABELS[t.status] },
  { key: 'assignee', title: '处理人', render: (t) => <StaffName id={t.assignee} /> },
  { key: 'createdAt', title: '提交时间', className: 'nowrap', render: (t) => formatInstant(t.createdAt).slice(0, 16) },
  {
    key: 'firstResponseAt',
    title: '首次响应',
    className: 'nowrap',
    render: (t) => (t.firstResponseAt ? formatInstant(t.firstResponseAt).slice(0, 16) : '—'),
  },
]

/** The member detail page's 反馈 tab: the member's tickets, newest first (handled on the 会员反馈 page). */
export function MemberFeedbackTab({ memberId }: { memberId: string }) {
  const [state, reload] = useAsync(
    () => api<{ items: FeedbackTicket[] }>('GET', `/api/ops/members/${encodeURIComponent(memberId)}/feedback`),
    [memberId],
  )
  return (
    <DataTable
      columns={COLUMNS}
      rows={state.data?.items}
      rowKey={(t) => t.ticketId}
      loading={state.status === 'loading'}
      error={state.error}
      onRetry={reload}
      testId='member-feedback'
      rowTestId='member-feedback-row'
      emptyText='该会员没有提交过反馈'
      dense
    />
  )
}
