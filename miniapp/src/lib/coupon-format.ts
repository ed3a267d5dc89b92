import { daysLeft, shanghaiDay, type ClaimableCoupon, type MemberCoupon } from '@mall/shared'
import { formatPoints } from './format'
import { formatChineseDate, formatShanghaiDateTime } from './points-format'

/**
 * Display rules for the coupon centre, my coupons and the coupon detail. Pure (callers pass
 * `now`) so they are unit-tested without Taro.
 */

export type CouponStatus = MemberCoupon['status']

export const MY_COUPON_TABS: ReadonlyArray<{ status: CouponStatus; label: string; empty: string }> = [
  { status: 'unused', label: '未使用', empty: '暂无可用的券，去领券中心看看吧' },
  { status: 'used', label: '已使用', empty: '暂无已使用的券' },
  { status: 'expired', label: '已过期', empty: '暂无已过期的券' },
]

/** The claim button for a coupon-centre card: label, and whether a tap can do anything. */
export interface ClaimButtonState {
  label: string
  disabled: boolean
}

const BLOCKER_LABELS: Record<string, string> = {
  SOLD_OUT: '已抢光',
  LIMIT_REACHED: '已领取',
  TIER_TOO_LOW: '等级不足',
  NOT_STARTED: '未开始',
  ENDED: '已结束',
  PAUSED: '暂停发放',
}

export function claimButtonState(coupon: Pick<ClaimableCoupon, 'blocker'>): ClaimButtonState {
  if (coupon.blocker === null) return { label: '立即领取', disabled: false }
  // An unknown blocker (newer server) still must not look claimable.
  return { label: BLOCKER_LABELS[coupon.blocker] ?? '暂不可领', disabled: true }
}

/** "仅剩 12 张" / "不限量"; sold out reads as such rather than "仅剩 0 张". */
export function stockText(stockLeft: number | null): string {
  if (stockLeft === null) return '不限量'
  if (stockLeft <= 0) return '已抢光'
  return `仅剩 ${formatPoints(stockLeft)} 张`
}

/** "1,000 积分" / "免费". */
export function priceText(pricePoints: number): string {
  return pricePoints > 0 ? `${formatPoints(pricePoints)} 积分` : '免费'
}

/** "已领 1/3 张" when a member may hold several of the same coupon; '' otherwise. */
export function claimedText(coupon: Pick<ClaimableCoupon, 'claimedByMe' | 'perMemberLimit'>): string {
  if (coupon.perMemberLimit <= 1 || coupon.claimedByMe <= 0) return ''
  return `已领 ${coupon.claimedByMe}/${coupon.perMemberLimit} 张`
}

/** Usable stores: the ids joined, or 全场通用 when the coupon is valid everywhere. */
export function storesText(storeIds: readonly string[]): string {
  return storeIds.length === 0 ? '全场通用' : storeIds.join('、')
}

/** ISO instant -> '2025年2月4日' on the Shanghai calendar. */
export function couponDay(iso: string): string {
  const t = Date.parse(iso)
  return Number.isFinite(t) ? formatChineseDate(shanghaiDay(new Date(t))) : iso
}

/** List line: "有效期至 2025年2月4日". */
export function validUntilText(validTo: string): string {
  return `有效期至 ${couponDay(validTo)}`
}

/** Detail line: "2025-01-05 14:03 至 2025-02-04 23:59" (Shanghai wall clock). */
export function validityRangeText(validFrom: string, validTo: string): string {
  return `${formatShanghaiDateTime(validFrom) || validFrom} 至 ${formatShanghaiDateTime(validTo) || validTo}`
}

export const EXPIRING_SOON_DAYS = 3

/** Unused coupons that run out within three Shanghai days (today included) get a badge. */
export function isExpiringSoon(coupon: Pick<MemberCoupon, 'status' | 'validTo'>, now: Date): boolean {
  if (coupon.status !== 'unused') return false
  const left = daysLeft(coupon.validTo, now)
  return Number.isFinite(left) && left >= 0 && left <= EXPIRING_SOON_DAYS
}
