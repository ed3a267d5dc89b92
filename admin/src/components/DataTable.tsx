import type { ReactNode } from 'react'
import { Empty } from '../ui'

type CellValue = string | number

/** A plain table of KPI rows; numbers are right-aligned. */
export function DataTable({ columns, rows, testId }: { columns: string[]; rows: CellValue[][]; testId?: string }): ReactNode {
  // a column is numeric when every row has a number there (header and cells right-aligned)
  const numeric = columns.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'))
  return (
    <div className="table-wrap" data-testid={testId}>
      <table className="table">
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
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j} className={typeof v === 'number' ? 'num' : undefined}>
                  {typeof v === 'number' ? v.toLocaleString('zh-CN') : v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <Empty text="该时段没有数据" />}
    </div>
  )
}
