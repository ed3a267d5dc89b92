import { useState, type FormEvent } from 'react'
import {
  FEEDBACK_CATEGORIES,
  FEEDBACK_CATEGORY_LABELS,
  FEEDBACK_STATUSES,
  FEEDBACK_STATUS_LABELS,
  type FeedbackPage,
  type FeedbackTicket,
} from '@mall/shared'
import { api, qs } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { Empty, Pager, Panel, useAsync } from '../ui'
import { TicketDetail } from './FeedbackTicket'
import { StaffName } from '../staff-names'

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…` : s)
const COLUMNS: Column<FeedbackTicket>[] = [
  { key: 'ticketId', title: '编号', className: 'mono' },
  {
    key: 'createdAt',
    title: '提交时间（上海）',
    className: 'nowrap',
    render: (t) => formatInstant(t.createdAt).slice(0, 16),
  },
  { key: 'category', title: '类别', render: (t) => FEEDBACK_CATEGORY_LABELS[t.category] },
  { key: 'status', title: '状态', render: (t) => FEEDBACK_STATUS_LABELS[t.status] },
  { key: 'assignee', title: '处理人', render: (t) => <StaffName id={t.assignee} /> },
  { key: 'text', title: '内容', render: (t) => clip(t.text) },
  { key: 'hasPhoto', title: '图片', render: (t) => (t.hasPhoto ? '有' : '') },
]

export function FeedbackPage() {
  const [filters, setFilters] = useState({ status: '', category: '' })
  const [page, setPage] = useState(1)
  const pageSize = 20
  const [selected, setSelected] = useState<FeedbackTicket | null>(null)
  const [state, reload] = useAsync(
    () => api<FeedbackPage>('GET', `/api/ops/feedback${qs({ ...filters, page, pageSize })}`),
    [filters, page],
  )

  const data = state.data
  const pages = data ? Math.min(1000, Math.max(1, Math.ceil(data.total / data.pageSize))) : 1
  const setFilter = (k: 'status' | 'category', v: string) => {
    setPage(1)
    setFilters((f) => ({ ...f, [k]: v }))
  }

  return (
    <div className='page'>
      <form className='toolbar' onSubmit={(e: FormEvent) => e.preventDefault()}>
        <label className='field-inline'>
          <span>状态</span>
          <select
            data-testid='feedback-filter-status'
            value={filters.status}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value=''>全部</option>
            {FEEDBACK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {FEEDBACK_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className='field-inline'>
          <span>类别</span>
          <select
            data-testid='feedback-filter-category'
            value={filters.category}
            onChange={(e) => setFilter('category', e.target.value)}
          >
            <option value=''>全部</option>
            {FEEDBACK_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {FEEDBACK_CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <button className='btn' type='button' onClick={reload} disabled={state.status === 'loading'}>
          刷新
        </button>
      </form>

      <div className='feedback-layout'>
        <Panel title={data ? `共 ${data.total.toLocaleString('zh-CN')} 条反馈` : '会员反馈'}>
          <DataTable
            columns={COLUMNS}
            rows={data?.items}
            rowKey={(t) => t.ticketId}
            loading={state.status === 'loading'}
            error={state.error}
            onRetry={reload}
            testId='feedback-table'
            rowTestId='feedback-row'
            emptyText='没有符合条件的反馈'
            selected={(t) => t.ticketId === selected?.ticketId}
            onRowClick={(t) => setSelected(t)}
          />
          {data && (
            <Pager
              page={page}
              shownPage={data.page}
              pages={pages}
              busy={state.status === 'loading'}
              onPage={setPage}
              testIdPrefix='feedback'
            />
          )}
        </Panel>

        <Panel title={selected ? `反馈 ${selected.ticketId}` : '反馈详情'} testId='feedback-detail'>
          {selected ? (
            <TicketDetail
              key={selected.ticketId}
              ticket={selected}
              onChanged={(t) => {
                setSelected(t)
                reload()
              }}
            />
          ) : (
            <Empty text='在左侧选择一条反馈查看详情并处理' />
          )}
        </Panel>
      </div>
    </div>
  )
}
