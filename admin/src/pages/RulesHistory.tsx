import { Fragment, useState } from 'react'
import type { RuleVersion } from '@mall/shared'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { Empty, ErrorBox, Loading, Panel, type AsyncState } from '../ui'

/** Rule versions, newest first: who, when, why, and the before/after of one on demand. */
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
  const reloadHistory = reload
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
      {history.status === 'error' && <ErrorBox error={history.error} onRetry={reloadHistory} />}
      {!history.data && history.status === 'loading' && <Loading />}
      {history.data && items.length === 0 && <Empty text='暂无修改记录' />}
      {items.length > 0 && (
        <div className='table-wrap'>
          <table className='table'>
            <thead>
              <tr>
                <th>版本</th>
                <th>分区</th>
                <th>修改人</th>
                <th>时间（上海）</th>
                <th>说明</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((v) => {
                const key = `${v.section}-${v.version}`
                return (
                  <Fragment key={key}>
                    <tr data-testid='rules-history-row' className={openKey === key ? 'selected' : undefined}>
                      <td className='num'>{v.version}</td>
                      <td>{sectionLabel(v.section)}</td>
                      <td>{v.changedBy}</td>
                      <td>{formatInstant(v.changedAt)}</td>
                      <td>{v.note || <span className='muted'>—</span>}</td>
                      <td>
                        <button
                          className='btn btn-small'
                          type='button'
                          data-testid='rules-history-diff'
                          onClick={() => setOpenKey(openKey === key ? null : key)}
                        >
                          {openKey === key ? '收起' : '查看差异'}
                        </button>
                      </td>
                    </tr>
                    {openKey === key && (
                      <tr className='diff-cell'>
                        <td colSpan={6}>
                          <JsonDiff before={v.before} after={v.after} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  )
}
