import { useState } from 'react'
import type { RuleVersion } from '@mall/shared'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { DataTable } from '../components/DataTable'
import { Panel, type AsyncState } from '../ui'
import { StaffName } from '../staff-names'

/** Rule versions, newest first: who, when, why, and the before/after of one on demand. */
const keyOf = (v: RuleVersion) => `${v.section}-${v.version}`

export function RulesHistory({
  history,
  reload,
  section,
  sectionLabel,
}: {
  history: AsyncState<{ items: RuleVersion[] }>
  reload: () => void
  section: string
  sectionLabel: (s: string) => string
}) {
  const [onlySection, setOnlySection] = useState(true)
  const [openKey, setOpenKey] = useState<string | null>(null)
  const items = (history.data?.items ?? []).filter((v) => !onlySection || v.section === section)
  return (
    <Panel
      title='修改历史'
      extra={
        <label className='check'>
          <input type='checkbox' checked={onlySection} onChange={(e) => setOnlySection(e.target.checked)} />
          仅显示「{sectionLabel(section)}」
        </label>
      }
    >
      <DataTable
        columns={[
          { key: 'version', title: '版本', numeric: true },
          { key: 'section', title: '分区', render: (v) => sectionLabel(v.section) },
          { key: 'changedBy', title: '修改人', render: (v) => <StaffName id={v.changedBy} /> },
          { key: 'changedAt', title: '时间（上海）', className: 'nowrap', render: (v) => formatInstant(v.changedAt) },
          { key: 'note', title: '说明' },
        ]}
        rows={history.data ? items : undefined}
        rowKey={keyOf}
        loading={history.status === 'loading'}
        error={history.error}
        onRetry={reload}
        rowTestId='rules-history-row'
        selected={(v) => openKey === keyOf(v)}
        emptyText='暂无修改记录'
        actionsTitle=''
        actions={(v) => (
          <button
            className='btn btn-small'
            type='button'
            data-testid='rules-history-diff'
            onClick={() => setOpenKey(openKey === keyOf(v) ? null : keyOf(v))}
          >
            {openKey === keyOf(v) ? '收起' : '查看差异'}
          </button>
        )}
        expand={(v) => (openKey === keyOf(v) ? <JsonDiff before={v.before} after={v.after} /> : null)}
      />
    </Panel>
  )
}
