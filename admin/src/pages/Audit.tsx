import { useState, type FormEvent } from 'react'
import { ERROR_CODES } from '@mall/shared'
import { api, qs } from '../api'
import { auditSentence, outcomeText, ROLE_NAMES } from '../audit-text'
import { DataTable, type Column } from '../components/DataTable'
import { downloadCsv, toCsv } from '../csv'
import { formatInstant } from '../format'
import { Pager, Panel, useAsync } from '../ui'
import { storeLabel, useStores, type StoreOption } from '../use-stores'

interface AuditItem {
  at: string
  staffId: string | null
  role: string | null
  storeId: string | null
  action: string
  target: unknown
  outcome: string
  status: number
  ip: string
  device: string
  requestId: string
  staffName?: string | null
  memberPhoneMasked?: string | null
}
interface AuditPage {
  items: AuditItem[]
  total: number
  page: number
  pageSize: number
}
interface Filters {
  staffId: string
  storeId: string
  action: string
  outcome: string
}

const EMPTY: Filters = { staffId: '', storeId: '', action: '', outcome: '' }
const compact = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))

function validate(f: Filters): string | null {
  if (f.staffId && !/^[a-z0-9_.-]{1,64}$/.test(f.staffId)) return '员工编号只能包含小写字母、数字、_ . -'
  if (f.action.length > 100) return '操作最多 100 个字符'
  if (f.outcome.length > 60) return '结果最多 60 个字符'
  return null
}

/** The row in words; the request's particulars (object, IP, device, request id) fold out under 详情. */
const columns = (stores: StoreOption[]): Column<AuditItem>[] => [
  { key: 'at', title: '时间（上海）', className: 'nowrap', width: '11em', render: (i) => formatInstant(i.at) },
  {
    key: 'what',
    title: '操作',
    render: (i) => (
      <>
        <div data-testid='audit-sentence'>{auditSentence(i)}</div>
        <details className='audit-details'>
          <summary>详情</summary>
          <dl className='kv'>
            <dt>接口</dt>
            <dd className='mono'>{i.action}</dd>
            <dt>对象</dt>
            <dd className='mono'>{compact(i.target) || '—'}</dd>
            <dt>HTTP 状态</dt>
            <dd>{i.status}</dd>
            <dt>IP</dt>
            <dd>{i.ip}</dd>
            <dt>设备</dt>
            <dd>{i.device || '—'}</dd>
            <dt>请求编号</dt>
            <dd className='mono'>{i.requestId}</dd>
          </dl>
        </details>
      </>
    ),
  },
  { key: 'store', title: '门店', width: '9em', render: (i) => storeLabel(stores, i.storeId) },
  {
    key: 'outcome',
    title: '结果',
    width: '10em',
    render: (i) => <span className={`tag ${i.outcome === 'ok' ? 'active' : 'paused'}`}>{outcomeText(i.outcome)}</span>,
  },
]

export function AuditPage() {
  const stores = useStores()
  const [draft, setDraft] = useState<Filters>(EMPTY)
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [page, setPage] = useState(1)
  const [pageSize, setPageSize] = useState(50)
  const [formError, setFormError] = useState<string | null>(null)
  const [state, reload] = useAsync(
    () => api<AuditPage>('GET', `/api/ops/audit${qs({ ...filters, page, pageSize })}`),
    [filters, page, pageSize],
  )

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const err = validate(draft)
    setFormError(err)
    if (err) return
    setPage(1)
    setFilters({ ...draft })
  }
  const reset = () => {
    setDraft(EMPTY)
    setFormError(null)
    setPage(1)
    setFilters(EMPTY)
  }

  const data = state.data
  // the server accepts page ≤ 1000
  const pages = data ? Math.min(1000, Math.max(1, Math.ceil(data.total / data.pageSize))) : 1
  const exportPage = () => {
    if (!data) return
    const cols = [
      '时间（上海）',
      '员工',
      '角色',
      '门店',
      '操作',
      '接口',
      '对象',
      '结果',
      'HTTP 状态',
      'IP',
      '设备',
      '请求编号',
    ]
    const rows = data.items.map((i) => [
      formatInstant(i.at),
      i.staffId,
      i.role ? (ROLE_NAMES[i.role] ?? i.role) : '',
      i.storeId,
      auditSentence(i),
      i.action,
      compact(i.target),
      outcomeText(i.outcome),
      i.status,
      i.ip,
      i.device,
      i.requestId,
    ])
    downloadCsv(`审计日志_第${data.page}页.csv`, toCsv(cols, rows))
  }
  const input = (k: keyof Filters, placeholder: string, extra: Record<string, unknown> = {}) => (
    <input
      data-testid={`audit-${k}`}
      value={draft[k]}
      placeholder={placeholder}
      onChange={(e) => setDraft({ ...draft, [k]: e.target.value.trim() })}
      {...extra}
    />
  )

  return (
    <div className='page'>
      <form className='toolbar' onSubmit={submit}>
        <label className='field-inline'>
          <span>员工</span>
          {input('staffId', '员工编号')}
        </label>
        <label className='field-inline'>
          <span>门店</span>
          <select
            data-testid='audit-storeId'
            value={draft.storeId}
            onChange={(e) => setDraft({ ...draft, storeId: e.target.value })}
          >
            <option value=''>全部</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className='field-inline'>
          <span>操作</span>
          {input('action', '前缀，如 POST /api/staff')}
        </label>
        <label className='field-inline'>
          <span>结果</span>
          {input('outcome', 'ok 或错误码', { list: 'audit-outcomes' })}
          <datalist id='audit-outcomes'>
            <option value='ok'>成功</option>
            {ERROR_CODES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <button className='btn btn-primary' type='submit' data-testid='audit-submit'>
          查询
        </button>
        <button className='btn' type='button' onClick={reset}>
          重置
        </button>
        {formError && <span className='form-error inline'>{formError}</span>}
      </form>

      <Panel
        title={data ? `共 ${data.total.toLocaleString('zh-CN')} 条` : '审计记录'}
        extra={
          <button
            className='btn btn-small'
            type='button'
            onClick={exportPage}
            disabled={!data || data.items.length === 0}
          >
            导出本页 CSV
          </button>
        }
      >
        <DataTable
          columns={columns(stores)}
          rows={data?.items}
          rowKey={(i) => i.requestId + i.at}
          loading={state.status === 'loading'}
          error={state.error}
          onRetry={reload}
          rowTestId='audit-row'
          emptyText='没有符合条件的记录'
          dense
        />
        {data && (
          <Pager
            page={page}
            shownPage={data.page}
            pages={pages}
            busy={state.status === 'loading'}
            onPage={setPage}
            testIdPrefix='audit'
            pageSize={pageSize}
            onPageSize={(n) => {
              setPageSize(n)
              setPage(1)
            }}
          />
        )}
      </Panel>
    </div>
  )
}
