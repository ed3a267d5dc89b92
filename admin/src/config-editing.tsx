import { useState, type FormEvent, type ReactNode } from 'react'
import { ApiError, errorText } from './api'
import { DataTable, type Column } from './components/DataTable'
import { Panel, type AsyncState } from './ui'

/**
 * Shared by the configuration pages (stores, staff accounts): which entity the form edits and at
 * which version, validation messages, saving with conflict handling, and the list panel.
 */

export const ROLE_NAMES: Record<string, string> = { clerk: '店员', manager: '店长', operator: '运营' }

interface Issue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/**
 * A shared contract's safeParse issues as Chinese lines, one per field: `labels` names the field,
 * `hints` says what it needs (zod's own messages are English, for developers).
 */
export function contractProblems(
  issues: readonly Issue[],
  labels: Record<string, string>,
  hints: Record<string, string>,
): string[] {
  const fields = [...new Set(issues.map((i) => String(i.path[0] ?? '')))]
  return fields.map(
    (k) => `${labels[k] ?? k}：${hints[k] ?? issues.find((i) => String(i.path[0] ?? '') === k)?.message ?? ''}`,
  )
}

export type Message = { ok: boolean; text: string } | null

/**
 * Form state of a configuration page. `submit` shows validation from then on and saves valid
 * input; after a save the form clears and the saved entity's history opens (and reloads). On
 * CONFIG.VERSION_CONFLICT (someone else saved first) the list reloads and the operator is told to
 * reopen the entity at its latest version.
 */
export function useConfigForm<F>(emptyForm: () => F, reloadList: () => void) {
  const [form, setForm] = useState<F>(emptyForm)
  const [editing, setEditing] = useState<{ id: string; version: number } | null>(null)
  const [tried, setTried] = useState(false)
  const [historyId, setHistoryId] = useState<string | null>(null)
  const [saves, setSaves] = useState(0)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<Message>(null)

  const set = <K extends keyof F>(k: K, v: F[K]) => setForm((f) => ({ ...f, [k]: v }))
  const reset = () => {
    setForm(emptyForm())
    setEditing(null)
    setTried(false)
  }
  const edit = (id: string, version: number, values: F) => {
    setForm(values)
    setEditing({ id, version })
    setTried(false)
    setMessage(null)
    setHistoryId(id)
  }
  const submit = (valid: boolean, target: string, save: () => Promise<string>) => async (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (!valid) return
    setBusy(true)
    setMessage(null)
    try {
      setMessage({ ok: true, text: await save() })
      reset()
      reloadList()
      setHistoryId(target)
      setSaves((n) => n + 1)
    } catch (err) {
      const conflict = err instanceof ApiError && err.code === 'CONFIG.VERSION_CONFLICT'
      if (conflict) reloadList()
      setMessage({
        ok: false,
        text: conflict ? '保存失败：已被他人修改。列表已刷新，请重新点「编辑」载入最新版本后再改。' : errorText(err),
      })
    } finally {
      setBusy(false)
    }
  }
  return { form, set, editing, tried, busy, message, historyId, setHistoryId, saves, reset, edit, submit }
}

/**
 * The create/edit form of a configuration page: `children` are the fields; below them validation
 * problems (after the first submit), the save outcome, and the save/clear buttons.
 */
export function ConfigFormPanel({
  title,
  testPrefix,
  state,
  problems,
  createLabel,
  onSubmit,
  children,
}: {
  title: string
  testPrefix: string
  state: Pick<ReturnType<typeof useConfigForm>, 'tried' | 'busy' | 'message' | 'editing' | 'reset'>
  problems: string[]
  createLabel: string
  onSubmit: (e: FormEvent) => void
  children: ReactNode
}) {
  const { tried, busy, message, editing, reset } = state
  return (
    <Panel
      title={title}
      testId={`${testPrefix}-form-panel`}
      extra={
        editing && (
          <button className='btn btn-small' type='button' onClick={reset}>
            取消编辑
          </button>
        )
      }
    >
      <form onSubmit={onSubmit} noValidate data-testid={`${testPrefix}-form`}>
        <div className='form-grid'>{children}</div>
        {tried && problems.length > 0 && (
          <div className='form-error' role='alert' data-testid={`${testPrefix}-errors`}>
            {problems.map((p) => (
              <div key={p}>{p}</div>
            ))}
          </div>
        )}
        {message && (
          <div
            className={message.ok ? 'notice success' : 'form-error'}
            role='status'
            data-testid={`${testPrefix}-message`}
          >
            {message.text}
          </div>
        )}
        <div className='toolbar'>
          <button className='btn btn-primary' type='submit' data-testid={`${testPrefix}-save`} disabled={busy}>
            {busy ? '保存中…' : editing ? '保存修改' : createLabel}
          </button>
          <button className='btn' type='button' onClick={reset}>
            清空
          </button>
        </div>
      </form>
    </Panel>
  )
}

/** A configured entity's list on the DataTable, with a 刷新 button. */
export function ListPanel<T>({
  title,
  list,
  reload,
  emptyText,
  columns,
  rowKey,
  rowTestId,
  selected,
  actions,
}: {
  title: string
  list: AsyncState<{ items: T[] }>
  reload: () => void
  emptyText: string
  columns: Column<T>[]
  rowKey: (row: T) => string
  /** data-testid of each row */
  rowTestId: (row: T) => string
  selected?: (row: T) => boolean
  actions: (row: T) => ReactNode
}) {
  return (
    <Panel
      title={title}
      extra={
        <button className='btn btn-small' type='button' onClick={reload}>
          刷新
        </button>
      }
    >
      <DataTable
        columns={columns}
        rows={list.data?.items}
        rowKey={rowKey}
        loading={list.status === 'loading'}
        error={list.error}
        onRetry={reload}
        rowProps={(row) => ({ 'data-testid': rowTestId(row) })}
        selected={selected}
        emptyText={emptyText}
        actions={actions}
      />
    </Panel>
  )
}

/** The 编辑 / 历史 buttons of a list row. */
export function RowActions({
  testPrefix,
  onEdit,
  onHistory,
}: {
  testPrefix: string
  onEdit: () => void
  onHistory: () => void
}) {
  return (
    <>
      <button className='btn btn-small' type='button' data-testid={`${testPrefix}-edit`} onClick={onEdit}>
        编辑
      </button>
      <button className='btn btn-small' type='button' data-testid={`${testPrefix}-history`} onClick={onHistory}>
        历史
      </button>
    </>
  )
}
