import { shanghaiDateTime } from '@mall/shared'
import { formatPoints } from './format'

/**
 * Display helpers for the wallet and tier pages. Pure and Intl-free: mini-program runtimes do not
 * all ship full ICU, and phones may be set to any time zone while the mall's business day is
 * Asia/Shanghai (UTC+8 all year, no DST): times go through the shared Shanghai clock.
 */

const pad2 = (n: number) => String(n).padStart(2, '0')

/** 'YYYY-MM-DD' (a Shanghai calendar day from the server) -> '2025年3月31日'. */
export function formatChineseDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return day
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`
}

/** ISO instant -> '2025-01-05 14:03' on the Shanghai wall clock, whatever the phone's zone. */
export function formatShanghaiDateTime(iso: string): string {
  return shanghaiDateTime(iso)
}

/** Ledger delta with an explicit sign, so "+120" and "-50" read at a glance; 0 stays "0". */
export function formatDelta(delta: number): string {
  return delta > 0 ? `+${formatPoints(delta)}` : formatPoints(delta)
}

/** Gains are highlighted, deductions stay neutral grey (a refund clawback is not an "error"). */
export function deltaTone(delta: number): 'gain' | 'loss' | 'none' {
  if (delta > 0) return 'gain'
  if (delta < 0) return 'loss'
  return 'none'
}

/** 12850 fen -> '128.50'. Integer maths only: no float rounding surprises on money. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}${formatPoints(Math.floor(abs / 100))}.${pad2(abs % 100)}`
}

/** part of whole as '40%' / '33.3%' (one decimal at most); '—' when the whole is 0. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '—'
  return `${Math.round((part / whole) * 1000) / 10}%`
}

/** Tier multiplier in per-mille -> '1×', '1.2×', '1.25×' (no trailing zeros). */
export function formatMultiplier(permille: number): string {
  const whole = Math.floor(permille / 1000)
  const frac = String(permille % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '')
  return `${whole}${frac ? `.${frac}` : ''}×`
}
