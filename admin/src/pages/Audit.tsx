import { useState, type FormEvent } from 'react'
import { ERROR_CODES, ERROR_MESSAGES_ZH } from '@mall/shared'
import { api, qs } from '../api'
import { downloadCsv, toCsv } from '../csv'
import { formatInstant, STORES } from '../format'
import { Empty, ErrorBox, Loading, Pager, Panel, useAsync } from '../ui'

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
const ROLE_NAMES: Record<string, string> = { clerk: '店员', manager: '店长', operator: '运营' }
const compact = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))

function validate(f: Filters): string | null {
  if (f.staffId && !/^[a-z0-9_.-]{1,64}$/.test(f.staffId)) return '员工编号只能包含小写字母、数字、_ . -'
  if (f.action.length > 100) return '操作最多 100 个字符'
  if (f.outcome.length > 60) return '结果最多 60 个字符'
  return null
}

export function AuditPage() {
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
    const cols = ['时间（上海）', '员工', '角色', '门店', '操作', '对象', '结果', 'HTTP 状态', 'IP', '设备', '请求编号']
    const rows = data.items.map((i) => [
      formatInstant(i.at),
      i.staffId,
      i.role,
      i.storeId,
      i.action,
      compact(i.target),
      i.outcome,
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
            {STORES.map((s) => (
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
        {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
        {state.status === 'loading' && <Loading />}
        {data && data.items.length === 0 && state.status === 'ok' && <Empty text='没有符合条件的记录' />}
        {data && data.items.length > 0 && (
          <div className={`table-wrap${state.status === 'loading' ? ' stale' : ''}`}>
            <table className='table table-dense'>
              <thead>
                <tr>
                  <th>时间（上海）</th>
                  <th>员工</th>
                  <th>门店</th>
                  <th>操作</th>
                  <th>对象</th>
                  <th>结果</th>
                  <th>IP / 设备</th>
                  <th>请求编号</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((i) => (
                  <tr key={i.requestId + i.at} data-testid='audit-row'>
                    <td className='nowrap'>{formatInstant(i.at)}</td>
                    <td>
                      {i.staffId ?? '—'}
                      <small className='muted block'>{i.role ? (ROLE_NAMES[i.role] ?? i.role) : ''}</small>
                    </td>
                    <td>{i.storeId ?? '—'}</td>
                    <td className='mono'>{i.action}</td>
                    <td className='mono clip' title={compact(i.target)}>
                      {compact(i.target)}
                    </td>
                    <td>
                      <span
                        className={`tag ${i.outcome === 'ok' ? 'active' : 'paused'}`}
                        title={(ERROR_MESSAGES_ZH as Record<string, string>)[i.outcome]}
                      >
                        {i.outcome === 'ok' ? '成功' : i.outcome}
                      </span>
                      <small className='muted block'>HTTP {i.status}</small>
                    </td>
                    <td>
                      {i.ip}
                      <small className='muted block clip' title={i.device}>
                        {i.device}
                      </small>
                    </td>
                    <td className='mono small'>{i.requestId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
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
