import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { errorText } from './api'

/** The console's name plate, in the sidebar and on the login card. */
export function Brand({ className = '' }: { className?: string }) {
  return (
    <div className={`brand ${className}`.trim()}>
      <span className='brand-mark'>M</span>
      <span>
        商场会员
        <small>运营后台</small>
      </span>
    </div>
  )
}

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <div className='state state-loading' role='status' aria-live='polite'>
      <span className='spinner' aria-hidden='true' />
      {text}
    </div>
  )
}

export function Empty({ text = '暂无数据' }: { text?: string }) {
  return <div className='state state-empty'>{text}</div>
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className='state state-error' role='alert'>
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type='button' className='btn btn-small' onClick={onRetry}>
          重试
        </button>
      )}
    </div>
  )
}

export function Panel({
  title,
  extra,
  children,
  testId,
}: {
  title: ReactNode
  extra?: ReactNode
  children: ReactNode
  testId?: string
}) {
  return (
    <section className='panel' data-testid={testId}>
      <header className='panel-head'>
        <h2>{title}</h2>
        {extra && <div className='panel-extra'>{extra}</div>}
      </header>
      <div className='panel-body'>{children}</div>
    </section>
  )
}

export type AsyncState<T> =
  | { status: 'idle' | 'loading'; data?: T; error?: undefined }
  | { status: 'ok'; data: T; error?: undefined }
  | { status: 'error'; data?: T; error: unknown }

/** Runs `load` whenever `deps` change; stale answers (from an earlier query) are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' })
  const seq = useRef(0)
  const [tick, setTick] = useState(0)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps)
  useEffect(() => {
    const mine = ++seq.current
    setState((s) => ({ status: 'loading', data: s.data }))
    run().then(
      (data) => mine === seq.current && setState({ status: 'ok', data }),
      (error: unknown) => mine === seq.current && setState((s) => ({ status: 'error', error, data: s.data })),
    )
  }, [run, tick])
  return [state, useCallback(() => setTick((t) => t + 1), [])]
}

/** Pretty JSON for display; undefined shows as a dash. */
export function prettyJson(v: unknown): string {
  return v === undefined ? '—' : JSON.stringify(v, null, 2)
}

/**
 * A row of checkboxes choosing any subset of `options` (tiers, stores, lifecycle stages…); each box
 * is `data-testid="<testIdPrefix>-<value>"`. An empty choice means "no restriction" to the callers.
 */
/** Beyond this many options (a mall's 100 stores) the group gets a search box and scrolls inside a box. */
const LONG_CHECK_GROUP = 12

export function CheckGroup<T extends string | number>({
  options,
  value,
  onChange,
  testIdPrefix,
}: {
  options: { value: T; label: string }[]
  value: T[]
  onChange: (next: T[]) => void
  testIdPrefix: string
}) {
  const [query, setQuery] = useState('')
  const toggle = (v: T) => onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v])
  const long = options.length > LONG_CHECK_GROUP
  const q = query.trim().toLowerCase()
  // what is ticked stays in sight whatever the search
  const shown = q ? options.filter((o) => value.includes(o.value) || o.label.toLowerCase().includes(q)) : options
  const boxes = (
    <div className={long ? 'check-row check-row--scroll' : 'check-row'}>
      {shown.map((o) => (
        <label className='check' key={o.value}>
          <input
            type='checkbox'
            data-testid={`${testIdPrefix}-${o.value}`}
            checked={value.includes(o.value)}
            onChange={() => toggle(o.value)}
          />
          {o.label}
        </label>
      ))}
      {shown.length === 0 && <span className='muted'>没有匹配的选项</span>}
    </div>
  )
  if (!long) return boxes
  return (
    <div className='check-search'>
      <input
        type='search'
        data-testid={`${testIdPrefix}-search`}
        placeholder={`搜索（共 ${options.length} 项，已选 ${value.length} 项）`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {boxes}
    </div>
  )
}

/**
 * Previous / next for a paged table: `page` is the page asked for (what the buttons move from),
 * `shownPage` the page on screen; buttons wait while `busy`. Optional page-size choice and total.
 */
export function Pager({
  page,
  shownPage,
  pages,
  busy = false,
  onPage,
  testIdPrefix,
  total,
  pageSize,
  onPageSize,
}: {
  page: number
  shownPage: number
  pages: number
  busy?: boolean
  onPage: (page: number) => void
  testIdPrefix?: string
  total?: number
  pageSize?: number
  onPageSize?: (size: number) => void
}) {
  const id = (part: string) => (testIdPrefix ? `${testIdPrefix}-${part}` : undefined)
  return (
    <div className='pager'>
      <button
        className='btn btn-small'
        type='button'
        data-testid={id('prev')}
        disabled={page <= 1 || busy}
        onClick={() => onPage(page - 1)}
      >
        上一页
      </button>
      <span data-testid={id('page')}>
        第 {shownPage} / {pages} 页{total !== undefined && `（共 ${total} 条）`}
      </span>
      <button
        className='btn btn-small'
        type='button'
        data-testid={id('next')}
        disabled={page >= pages || busy}
        onClick={() => onPage(page + 1)}
      >
        下一页
      </button>
      {onPageSize && (
        <label className='field-inline'>
          <span>每页</span>
          <select value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
            {[20, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n} 条
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  )
}

export type ActionMessage = { ok: boolean; text: string } | null

/**
 * A button's request with the page's busy flag and message: `act(done, call, after)` shows `done`
 * (or the error in Chinese), hands the result to `after` (which may replace the message), then reloads.
 */
export function useAction(reload: () => void) {
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<ActionMessage>(null)
  const act = async (done: string, call: () => Promise<unknown>, after?: (result: unknown) => void) => {
    setMessage(null)
    setBusy(true)
    try {
      const result = await call()
      setMessage({ ok: true, text: done })
      after?.(result)
      reload()
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) })
    } finally {
      setBusy(false)
    }
  }
  return { busy, message, setMessage, act }
}

/** "请检查：活动名称、预算" from a failed zod parse, naming each top-level field by its form label. */
export function invalidFieldsText(issues: { path: PropertyKey[] }[], labels: Record<string, string>): string {
  return `请检查：${[...new Set(issues.map((i) => labels[String(i.path[0])] ?? String(i.path[0])))].join('、')}`
}
