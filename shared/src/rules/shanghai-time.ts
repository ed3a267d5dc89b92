/**
 * Calendar arithmetic in Asia/Shanghai (UTC+8 all year, no DST), the mall's business day.
 * Pure and allocation-light: dates are plain 'YYYY-MM-DD' / 'YYYY-MM' strings.
 */
const OFFSET_MS = 8 * 3600 * 1000

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** 'YYYY-MM-DD' of the Shanghai calendar day containing `now`. */
export function shanghaiDay(now: Date): string {
  const d = new Date(now.getTime() + OFFSET_MS)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** 'YYYY-MM' of the Shanghai calendar month containing `now`. */
export function shanghaiMonth(now: Date): string {
  return shanghaiDay(now).slice(0, 7)
}

/** Adds whole months to 'YYYY-MM'. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const idx = y * 12 + (m - 1) + n
  return `${Math.floor(idx / 12)}-${pad((idx % 12) + 1)}`
}

/** Last calendar day of 'YYYY-MM', as 'YYYY-MM-DD'. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`
}

/** The instant a Shanghai day starts (00:00:00 +08:00). */
export function startOfShanghaiDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`))
}

/** Adds days to 'YYYY-MM-DD'. */
export function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86400_000
  return new Date(t).toISOString().slice(0, 10)
}

/** Whole days from a to b ('YYYY-MM-DD'), b - a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400_000)
}
