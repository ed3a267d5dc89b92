/**
 * Pure rules of WeChat Pay 智慧商圈 (pay-to-earn); `now` is always passed in.
 */
import { shanghaiIsoTime } from './shanghai-time'

/** WeChat signs a notification at `timestamp` (Unix seconds); older or newer than this is refused. */
export const NOTIFICATION_MAX_SKEW_S = 5 * 60

/** True when a notification's `Wechatpay-Timestamp` is within five minutes of `now`, either way. */
export function notificationFresh(timestampHeader: string, now: Date): boolean {
  if (!/^\d{1,12}$/.test(timestampHeader)) return false
  return Math.abs(now.getTime() / 1000 - Number(timestampHeader)) <= NOTIFICATION_MAX_SKEW_S
}

/**
 * The points a refund takes back: the refunded share of what the payment earned, rounded down, so
 * any number of partial refunds of one payment never take back more than it earned.
 */
export function refundPoints(earnedPoints: number, paidFen: number, refundFen: number): number {
  if (earnedPoints <= 0 || paidFen <= 0 || refundFen <= 0) return 0
  if (refundFen >= paidFen) return earnedPoints
  return Math.floor((earnedPoints * refundFen) / paidFen)
}

/** The spend a refund takes off the member's qualifying spend (never more than was paid). */
export function refundSpendFen(paidFen: number, refundFen: number): number {
  return Math.max(0, Math.min(paidFen, refundFen))
}

/**
 * When the points sync (商圈会员积分同步) is tried again after failed attempt `n` (1-based): 15 s, then
 * doubling, at most an hour apart. WeChat keeps a payment's points open for days, so no attempt is
 * ever given up; an operator sees the rows that keep failing.
 */
export function syncRetryAt(failedAttempts: number, now: Date): Date {
  const seconds = Math.min(3600, 15 * 2 ** Math.max(0, failedAttempts - 1))
  return new Date(now.getTime() + seconds * 1000)
}

/** Parses WeChat's RFC 3339 time (`2020-05-20T13:29:35+08:00`); null when it is not one. */
export function parseWechatTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? null : at
}

/** WeChat's time format for what we send (`points_update_time`): RFC 3339 in Shanghai time. */
export function wechatTime(at: Date): string {
  return shanghaiIsoTime(at)
}
