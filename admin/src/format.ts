/** Display helpers: Shanghai dates, exact yuan <-> fen, numbers. */
import { addDays, durationInWords, shanghaiDateTime, shanghaiDay } from '@mall/shared'

export function defaultRange(now = new Date()): { from: string; to: string } {
  const to = shanghaiDay(now)
  return { from: addDays(to, -29), to }
}

/** Exact: "12.3" -> 1230, "0.05" -> 5; null when not a non-negative amount with at most 2 decimals. */
export function yuanToFen(input: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(input.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const a = Math.abs(Math.trunc(fen))
  const cents = a % 100
  return `${sign}${Math.floor(a / 100).toLocaleString('zh-CN')}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`
}

/** Fen as yuan with two decimals and thousands separators (a column of amounts lines up): 418610 -> "4,186.10". */
export function fenToYuanFixed(fen: number): string {
  return (Math.trunc(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/** "8.5" 折 -> 850 per-mille; at most 2 decimals (8.55折 = 855). */
export function zheToPermille(input: string): number | null {
  const m = /^(\d)(?:\.(\d{0,2}))?$/.exec(input.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('zh-CN') : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

/** A metric value with its unit; money in fen is shown in yuan; null (nothing to measure) is 暂无数据. */
export function formatMetric(value: number | null, unit: string): string {
  if (value === null) return '暂无数据'
  const u = unit.trim()
  // Only the explicit 'fen' unit is money in fen ('分' is ambiguous: 积分 are also counted in 分).
  if (u === 'fen') return `¥${fenToYuan(value)}`
  if (u === '元' || u === 'yuan') return `¥${formatNumber(value)}`
  if (u === 'permille' || u === '‰') return `${formatNumber(value / 10)}%`
  if (u === 'ratio') return `${formatNumber(value * 100)}%`
  if (u === '%') return `${formatNumber(value)}%`
  if (u === '分钟') return durationInWords(value)
  return u ? `${formatNumber(value)} ${u}` : formatNumber(value)
}

/** Audit/rule timestamps in Shanghai time, "2024-05-01 13:04:05". */
export function formatInstant(iso: string): string {
  return shanghaiDateTime(iso, { seconds: true }) || iso
}

/** <input type="datetime-local"> value (read as Shanghai time) -> ISO instant with +08:00. */
export function localToInstant(v: string): string {
  if (!v) return ''
  return `${v.length === 16 ? `${v}:00` : v}+08:00`
}
