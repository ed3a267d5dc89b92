import type { ReactNode } from 'react'
import { Empty } from '../ui'

type CellValue = string | number

/**
 * A plain table of rows (KPI tables, the feedback queue); numbers are right-aligned. With
 * `onRowClick` rows are selectable (`selected` is highlighted) and carry `rowTestId`.
 */
export function DataTable({
  columns,
  rows,
  testId,
  emptyText = '该时段没有数据',
  onRowClick,
  selected,
  rowTestId,
}: {
  columns: string[]
  rows: CellValue[][]
  testId?: string
  emptyText?: string
  onRowClick?: (index: number) => void
  selected?: number
  rowTestId?: string
}): ReactNode {
  // a column is numeric when every row has a number there (header and cells right-aligned)
  const numeric = columns.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'))
  return (
    <div className='table-wrap' data-testid={testId}>
      <table className='table'>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} className={numeric[i] ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              key={i}
              data-testid={rowTestId}
              className={
                [onRowClick ? 'clickable' : '', i === selected ? 'selected' : ''].join(' ').trim() || undefined
              }
              onClick={onRowClick && (() => onRowClick(i))}
            >
              {r.map((v, j) => (
                <td key={j} className={typeof v === 'number' ? 'num' : undefined}>
                  {typeof v === 'number' ? v.toLocaleString('zh-CN') : v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <Empty text={emptyText} />}
    </div>
  )
}
