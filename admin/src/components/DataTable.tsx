import { Fragment, type ReactNode } from 'react'
import { Empty, ErrorBox, Loading } from '../ui'

export interface Column<T> {
  /** React key of the column; also the field shown when there is no `render` */
  key: string
  title: ReactNode
  render?: (row: T, index: number) => ReactNode
  /** right-aligned, tabular digits (header too) */
  numeric?: boolean
  /** extra cell class: 'nowrap' for dates and codes, 'mono' for ids, 'clip' for long free text */
  className?: string
  /** a CSS width for the column ('8em', '20%'); the others share what is left */
  width?: string
}

export interface DataTableProps<T> {
  columns: Column<T>[]
  /** undefined while the first answer is on its way */
  rows: T[] | undefined
  rowKey: (row: T, index: number) => string
  loading?: boolean
  error?: unknown
  onRetry?: () => void
  emptyText?: string
  /** buttons at the end of each row; clicks there do not count as a row click */
  actions?: (row: T, index: number) => ReactNode
  actionsTitle?: string
  onRowClick?: (row: T, index: number) => void
  selected?: (row: T) => boolean
  /** data-testid of the table's wrapper and of each row */
  testId?: string
  rowTestId?: string
  /** more attributes per row (data-member-id, …) */
  rowProps?: (row: T) => Record<string, string>
  dense?: boolean
  /** a full-width row under a row (a before/after diff shown on demand); null for none */
  expand?: (row: T) => ReactNode
}

/**
 * The console's one table: columns with optional renderers, loading / error / empty (暂无数据) states,
 * optional row actions and row selection. Cells wrap long content instead of scrolling sideways, so a
 * page fits a 1280px screen; while a newer answer loads the old rows stay, dimmed.
 */
export function DataTable<T>(props: DataTableProps<T>): ReactNode {
  const { columns, rows, rowKey, loading = false, error, onRetry, emptyText = '暂无数据', actions } = props
  const { onRowClick, selected, testId, rowTestId, rowProps, dense = false, actionsTitle = '操作', expand } = props
  if (error !== undefined && error !== null && !rows) return <ErrorBox error={error} onRetry={onRetry} />
  if (!rows) return loading ? <Loading /> : <Empty text={emptyText} />
  return (
    <div className={`table-wrap data-table${loading ? ' stale' : ''}`} data-testid={testId}>
      {error !== undefined && error !== null && <ErrorBox error={error} onRetry={onRetry} />}
      <table className={`table${dense ? ' table-dense' : ''}`}>
        {columns.some((c) => c.width) && (
          <colgroup>
            {columns.map((c) => (
              <col key={c.key} style={c.width ? { width: c.width } : undefined} />
            ))}
            {actions && <col />}
          </colgroup>
        )}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.numeric ? 'num' : undefined}>
                {c.title}
              </th>
            ))}
            {actions && <th>{actionsTitle}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <Fragment key={rowKey(row, i)}>
              <tr
                data-testid={rowTestId}
                {...rowProps?.(row)}
                className={
                  [onRowClick ? 'clickable' : '', selected?.(row) ? 'selected' : ''].join(' ').trim() || undefined
                }
                onClick={onRowClick && (() => onRowClick(row, i))}
              >
                {columns.map((c) => (
                  <td key={c.key} className={[c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined}>
                    {c.render ? c.render(row, i) : cellText((row as Record<string, unknown>)[c.key])}
                  </td>
                ))}
                {actions && (
                  <td className='row-actions' onClick={(e) => e.stopPropagation()}>
                    {actions(row, i)}
                  </td>
                )}
              </tr>
              {expand?.(row) && (
                <tr className='diff-cell'>
                  <td colSpan={columns.length + (actions ? 1 : 0)}>{expand(row)}</td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <Empty text={emptyText} />}
    </div>
  )
}

function cellText(v: unknown): ReactNode {
  if (v === null || v === undefined || v === '') return <span className='muted'>—</span>
  return typeof v === 'number' ? v.toLocaleString('zh-CN') : String(v)
}

type Cell = string | number

/**
 * Columns for a matrix of cells (a KPI table from the server: headers and rows of strings and
 * numbers); a column is numeric when every row has a number there.
 */
export function matrixColumns(headers: string[], rows: Cell[][]): Column<Cell[]>[] {
  return headers.map((title, j) => ({
    key: String(j),
    title,
    numeric: rows.length > 0 && rows.every((r) => typeof r[j] === 'number'),
    render: (r) => cellText(r[j]),
  }))
}
