import { addDays, shanghaiDay, startOfShanghaiDay } from './shanghai-time'

/**
 * Coupon templates and what a member may do with them. Pure: callers pass `now`.
 * Money is integer fen; discounts are capped at the eligible amount and never go negative.
 */
export const COUPON_TYPES = ['cash_off', 'percent_off', 'voucher', 'gift', 'parking'] as const
export type CouponType = (typeof COUPON_TYPES)[number]

export const COUPON_TYPE_NAMES: Record<CouponType, string> = {
  cash_off: '满减券',
  percent_off: '折扣券',
  voucher: '代金券',
  gift: '礼品券',
  parking: '停车券',
}

export interface CouponTemplate {
  _id: string
  name: string
  type: CouponType
  /**
   * 满减: spend at least thresholdFen to save valueFen; voucher: valueFen; percent: discountPermille
   * (850 = 8.5折) capped at maxDiscountFen
   */
  thresholdFen: number
  valueFen: number
  discountPermille: number
  maxDiscountFen: number
  giftName: string
  parkingHours: number
  /** null = unlimited */
  stock: number | null
  perMemberLimit: number
  claimStart: string // ISO instant
  claimEnd: string // ISO instant
  validity: { kind: 'fixed'; from: string; to: string } | { kind: 'relative'; days: number }
  eligibleTiers: number[] // empty = every tier
  storeIds: string[] // empty = every store
  pricePoints: number
  fundedBy: string // 'mall' or a store id, for settlement
  status: 'active' | 'paused'
}

/** When a coupon claimed at `claimedAt` can be used: [from, to] as ISO instants. */
export function validityWindow(
  t: Pick<CouponTemplate, 'validity'>,
  claimedAt: Date,
): { validFrom: string; validTo: string } {
  if (t.validity.kind === 'fixed') return { validFrom: t.validity.from, validTo: t.validity.to }
  // N days after claim: valid through the end of the N-th Shanghai day (today counts as day 1).
  const lastDay = addDays(shanghaiDay(claimedAt), t.validity.days - 1)
  return {
    validFrom: claimedAt.toISOString(),
    validTo: new Date(startOfShanghaiDay(addDays(lastDay, 1)).getTime() - 1).toISOString(),
  }
}

export type ClaimBlocker = 'NOT_STARTED' | 'ENDED' | 'PAUSED' | 'TIER_TOO_LOW'

/** Why a member cannot claim right now (stock, limit and points are checked by the claim itself). */
export function claimBlocker(t: CouponTemplate, tierLevel: number, now: Date): ClaimBlocker | null {
  if (t.status !== 'active') return 'PAUSED'
  if (now < new Date(t.claimStart)) return 'NOT_STARTED'
  if (now > new Date(t.claimEnd)) return 'ENDED'
  if (t.eligibleTiers.length > 0 && !t.eligibleTiers.includes(tierLevel)) return 'TIER_TOO_LOW'
  return null
}

export type CouponUsability = 'usable' | 'not_yet_valid' | 'expired' | 'wrong_store'

export function couponUsability(
  t: Pick<CouponTemplate, 'storeIds'>,
  coupon: { validFrom: string; validTo: string },
  storeId: string | null,
  now: Date,
): CouponUsability {
  if (now < new Date(coupon.validFrom)) return 'not_yet_valid'
  if (now > new Date(coupon.validTo)) return 'expired'
  if (t.storeIds.length > 0 && (!storeId || !t.storeIds.includes(storeId))) return 'wrong_store'
  return 'usable'
}

/** The discount a coupon gives on a bill of `billFen` (0 if the threshold is not met); never more than the bill. */
export function discountFen(
  t: Pick<CouponTemplate, 'type' | 'thresholdFen' | 'valueFen' | 'discountPermille' | 'maxDiscountFen'>,
  billFen: number,
): number {
  if (billFen < t.thresholdFen) return 0
  let discount = 0
  if (t.type === 'cash_off' || t.type === 'voucher') discount = t.valueFen
  else if (t.type === 'percent_off') {
    discount = Math.floor((billFen * (1000 - t.discountPermille)) / 1000)
    if (t.maxDiscountFen > 0) discount = Math.min(discount, t.maxDiscountFen)
  }
  return Math.max(0, Math.min(discount, billFen))
}

/** One-line summary for lists: "满200减30", "8.5折 最高减50", "停车2小时". */
export function couponHeadline(
  t: Pick<
    CouponTemplate,
    'type' | 'thresholdFen' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'giftName' | 'parkingHours'
  >,
): string {
  const yuan = (fen: number) => String(fen / 100)
  switch (t.type) {
    case 'cash_off':
      return `满${yuan(t.thresholdFen)}减${yuan(t.valueFen)}`
    case 'voucher':
      return `${yuan(t.valueFen)}元代金券`
    case 'percent_off':
      return `${t.discountPermille / 100}折${t.maxDiscountFen > 0 ? ` 最高减${yuan(t.maxDiscountFen)}` : ''}`
    case 'gift':
      return `兑换${t.giftName}`
    case 'parking':
      return `停车${t.parkingHours}小时`
  }
}

/** Whole days left until `validTo` in Shanghai days (0 = expires today). */
export function daysLeft(validTo: string, now: Date): number {
  const a = Date.parse(`${shanghaiDay(now)}T00:00:00Z`)
  const b = Date.parse(`${shanghaiDay(new Date(validTo))}T00:00:00Z`)
  return Math.round((b - a) / 86400_000)
}
