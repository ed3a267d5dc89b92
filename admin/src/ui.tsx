import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { errorText } from './api'

/** The console's name plate, in the sidebar and on the login card. */
export function Brand({ className = '' }: { className?: string }) {
  return (
    <div className={`brand ${className}`.trim()}>
      <span className="brand-mark">M</span>
      <span>
        商场会员
        <small>运营后台</small>
      </span>
    </div>
  )
}

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {text}
    </div>
  )
}

export function Empty({ text = '暂无数据' }: { text?: string }) {
  return <div className="state state-empty">{text}</div>
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          重试
        </button>
      )}
    </div>
  )
}

export function Panel({ title, extra, children, testId }: { title: ReactNode; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      <header className="panel-head">
        <h2>{title}</h2>
        {extra && <div className="panel-extra">{extra}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  )
}

export type AsyncState<T> = { status: 'idle' | 'loading'; data?: T; error?: undefined } | { status: 'ok'; data: T; error?: undefined } | { status: 'error'; data?: T; error: unknown }

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
