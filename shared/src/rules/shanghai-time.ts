/**
 * Calendar arithmetic in Asia/Shanghai (UTC+8 all year, no DST), the mall's business day.
 * Pure and allocation-light: dates are plain 'YYYY-MM-DD' / 'YYYY-MM' strings.
 */
const OFFSET_MS = 8 * 3600 * 1000

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** The Shanghai wall clock at `at`, as UTC fields of a shifted Date (read them with getUTC*). */
function wallClock(at: Date | number): Date {
  return new Date((typeof at === 'number' ? at : at.getTime()) + OFFSET_MS)
}

/** Hour of the day (0–23) on the Shanghai wall clock. */
export function shanghaiHour(at: Date): number {
  return wallClock(at).getUTCHours()
}

/** ISO weekday (1 = Monday … 7 = Sunday) in Shanghai. */
export function shanghaiWeekday(at: Date): number {
  const d = wallClock(at).getUTCDay()
  return d === 0 ? 7 : d
}

/** 'HH:MM' on the Shanghai wall clock (store opening hours are written so). */
export function shanghaiTimeOfDay(at: Date): string {
  const d = wallClock(at)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/**
 * 'YYYY-MM-DD HH:MM' (or with ':SS') on the Shanghai wall clock, whatever the zone of the machine or
 * phone showing it; `at` may be an instant or an ISO string ('' for one that does not parse).
 */
export function shanghaiDateTime(at: Date | string | number, opts: { seconds?: boolean } = {}): string {
  const t = typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime()
  if (!Number.isFinite(t)) return ''
  return wallClock(t)
    .toISOString()
    .slice(0, opts.seconds ? 19 : 16)
    .replace('T', ' ')
}

/** RFC 3339 on the Shanghai wall clock to the second, with its offset: '2026-11-20T12:00:00+08:00'. */
export function shanghaiIsoTime(at: Date): string {
  return `${wallClock(at).toISOString().slice(0, 19)}+08:00`
}

/** 'YYYY-MM-DD' of the Shanghai calendar day containing `now`. */
export function shanghaiDay(now: Date): string {
  const d = wallClock(now)
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
