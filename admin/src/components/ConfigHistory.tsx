import { useState } from 'react'
import type { ConfigVersionView } from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { Panel, useAsync } from '../ui'
import { DataTable } from './DataTable'
import { JsonDiff } from './JsonDiff'
import { StaffName } from '../staff-names'

/** How a field's value reads in the summary column (labels and units per page). */
export type FieldFormat = Record<string, { label: string; show?: (v: unknown) => string }>

const plain = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)

/** "积分倍率 1 倍 → 2 倍；状态 …" for the fields a version changed; "新建" for the first. */
export function changeSummary(v: Pick<ConfigVersionView, 'before' | 'after'>, fields: FieldFormat): string {
  if (v.before === null) return '新建'
  const before = (v.before ?? {}) as Record<string, unknown>
  const after = (v.after ?? {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  )
  return keys
    .map((k) => {
      const f = fields[k]
      if (!f) return k
      if (after[k] === true && before[k] === undefined) return f.label // a flag such as "password changed"
      const show = f.show ?? plain
      return `${f.label} ${show(before[k])} → ${show(after[k])}`
    })
    .join('；')
}

/**
 * The versions of one configured entity (store, staff account, coupon template): who, when, what
 * changed, and the full before/after on demand. `path` is the entity's API path; `reloadKey`
 * changes after a save so the new version shows.
 */
export function ConfigHistoryPanel({
  title,
  path,
  fields,
  reloadKey,
  onClose,
}: {
  title: string
  path: string
  fields: FieldFormat
  reloadKey: number
  onClose?: () => void
}) {
  const [history, reload] = useAsync(
    () => api<{ items: ConfigVersionView[] }>('GET', `${path}/history`),
    [path, reloadKey],
  )
  const [open, setOpen] = useState<number | null>(null)
  return (
    <Panel
      title={title}
      testId='config-history'
      extra={
        onClose && (
          <button className='btn btn-small' type='button' onClick={onClose}>
            关闭
          </button>
        )
      }
    >
      <DataTable
        columns={[
          { key: 'version', title: '版本', numeric: true },
          { key: 'changedBy', title: '修改人', render: (v) => <StaffName id={v.changedBy} /> },
          { key: 'changedAt', title: '时间（上海）', className: 'nowrap', render: (v) => formatInstant(v.changedAt) },
          {
            key: 'change',
            title: '变更',
            render: (v) => <span data-testid='config-history-change'>{changeSummary(v, fields)}</span>,
          },
          { key: 'note', title: '说明' },
        ]}
        rows={history.data?.items}
        rowKey={(v) => String(v.version)}
        loading={history.status === 'loading'}
        error={history.error}
        onRetry={reload}
        rowTestId='config-history-row'
        emptyText='暂无修改记录（通过后台修改后会记录在这里）'
        dense
        actionsTitle=''
        actions={(v) => (
          <button
            className='btn btn-small'
            type='button'
            onClick={() => setOpen(open === v.version ? null : v.version)}
          >
            {open === v.version ? '收起' : '查看差异'}
          </button>
        )}
        expand={(v) => (open === v.version ? <JsonDiff before={v.before} after={v.after} /> : null)}
      />
    </Panel>
  )
}
