/** CSV (shared/src/rules/csv.ts) downloaded through a Blob (UTF-8 BOM so Excel reads 中文). */
export { csvCell, toCsv } from '@mall/shared'

export function downloadCsv(filename: string, csv: string): void {
  downloadBlob(filename, new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }))
}

/** Saves a file the page holds (built here or answered by the server) under `filename`. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename.replace(/[\\/:*?"<>|]/g, '_')
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
