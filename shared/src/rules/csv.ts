/** RFC 4180 CSV, the same for the console's downloads and the server's member exports. */
export type CsvCell = string | number | boolean | null | undefined

export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  // Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) is prefixed with '.
  // Numbers are left alone so negative values stay numeric.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
