import * as z from 'zod'
import { COUPON_TYPES } from '../rules/coupons'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)
const instant = z.iso.datetime({ offset: true })

/** Operator input for a coupon template; refinements reject configurations that cannot work. */
export const couponTemplateInput = z
  .strictObject({
    name: z.string().min(1).max(40),
    type: z.enum(COUPON_TYPES),
    thresholdFen: z.number().int().min(0).max(100_000_000).default(0),
    valueFen: z.number().int().min(0).max(100_000_000).default(0),
    discountPermille: z.number().int().min(0).max(999).default(0),
    maxDiscountFen: z.number().int().min(0).max(100_000_000).default(0),
    giftName: z.string().max(40).default(''),
    parkingHours: z.number().int().min(0).max(24).default(0),
    stock: z.number().int().min(1).max(1_000_000).nullable(),
    perMemberLimit: z.number().int().min(1).max(100).default(1),
    claimStart: instant,
    claimEnd: instant,
    validity: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('fixed'), from: instant, to: instant }),
      z.strictObject({ kind: z.literal('relative'), days: z.number().int().min(1).max(366) }),
    ]),
    eligibleTiers: z.array(z.number().int().min(1).max(10)).max(10).default([]),
    storeIds: z.array(id).max(200).default([]),
    pricePoints: z.number().int().min(0).max(10_000_000).default(0),
    fundedBy: id.default('mall'),
  })
  .superRefine((t, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    if (Date.parse(t.claimEnd) <= Date.parse(t.claimStart)) issue('claimEnd', 'claim window ends before it starts')
    if (t.validity.kind === 'fixed' && Date.parse(t.validity.to) <= Date.parse(t.validity.from))
      issue('validity', 'validity ends before it starts')
    if ((t.type === 'cash_off' || t.type === 'voucher') && t.valueFen <= 0) issue('valueFen', 'value required')
    // A 满减 coupon worth more than its threshold would make bills negative (macrozheng/mall #1002).
    if (t.type === 'cash_off' && t.thresholdFen > 0 && t.valueFen > t.thresholdFen)
      issue('valueFen', 'value above threshold')
    if (t.type === 'percent_off' && (t.discountPermille < 100 || t.discountPermille > 990))
      issue('discountPermille', '100..990 (1折..9.9折)')
    if (t.type === 'gift' && !t.giftName) issue('giftName', 'gift name required')
    if (t.type === 'parking' && t.parkingHours <= 0) issue('parkingHours', 'hours required')
  })
export type CouponTemplateInput = z.infer<typeof couponTemplateInput>

export const couponStatus = z.enum(['unused', 'used', 'expired'])

export const claimableCoupon = z.object({
  templateId: z.string(),
  name: z.string(),
  type: z.enum(COUPON_TYPES),
  headline: z.string(),
  stockLeft: z.number().int().nullable(),
  pricePoints: z.number().int(),
  perMemberLimit: z.number().int(),
  claimedByMe: z.number().int(),
  claimEnd: z.string(),
  /** null when claimable; otherwise SOLD_OUT / LIMIT_REACHED / TIER_TOO_LOW / NOT_STARTED / ENDED / PAUSED */
  blocker: z.string().nullable(),
  validityText: z.string(),
  storeIds: z.array(z.string()),
})
export type ClaimableCoupon = z.infer<typeof claimableCoupon>

export const memberCoupon = z.object({
  couponId: z.string(),
  templateId: z.string(),
  name: z.string(),
  type: z.enum(COUPON_TYPES),
  headline: z.string(),
  status: couponStatus,
  validFrom: z.string(),
  validTo: z.string(),
  claimedAt: z.string(),
  redeemedAt: z.string().nullable(),
  redeemedStoreId: z.string().nullable(),
  storeIds: z.array(z.string()),
  pricePoints: z.number().int(),
  /** present when a staff member's redeem or undo repeated their own, already carried out */
  repeat: z.object({ action: z.enum(['redeem', 'undo']), by: z.string(), at: z.string() }).optional(),
})
export type MemberCoupon = z.infer<typeof memberCoupon>

export const myCouponsQuery = z.strictObject({ status: couponStatus.default('unused') })

export const couponCodeRequest = z.strictObject({ code: z.string().min(1).max(64) })

export const scannedCoupon = z.object({
  coupon: memberCoupon,
  member: z.object({ memberNo: z.string(), nickname: z.string() }),
  usable: z.boolean(),
  /** why it cannot be redeemed here and now, if not usable */
  reason: z.string().nullable(),
})
export type ScannedCoupon = z.infer<typeof scannedCoupon>

/**
 * An operator's edit of a live template: its name, when claiming ends, and its stock (raised only:
 * slots up to the old stock may already be coupons). Everything else is fixed once members hold coupons.
 */
export const couponTemplateEditRequest = z.strictObject({
  name: z.string().trim().min(1).max(40),
  claimEnd: instant,
  stock: z.number().int().min(1).max(1_000_000).nullable(),
  version: z.number().int().min(0).max(1_000_000),
  note: z.string().max(200).default(''),
})
export type CouponTemplateEdit = z.infer<typeof couponTemplateEditRequest>

/** A template in the console's list, with how it has gone so far. */
export const couponTemplateOverview = z.object({
  _id: z.string(),
  name: z.string(),
  type: z.enum(COUPON_TYPES),
  headline: z.string(),
  status: z.enum(['active', 'paused']),
  stock: z.number().int().nullable(),
  perMemberLimit: z.number().int(),
  claimStart: z.string(),
  claimEnd: z.string(),
  pricePoints: z.number().int(),
  createdAt: z.string(),
  /** the config version the status and edits are at (sent back with a change) */
  version: z.number().int(),
  /** coupons handed out (slots taken) */
  claimed: z.number().int(),
  /** coupons redeemed now: a redemption undone no longer counts */
  redeemed: z.number().int(),
})
export type CouponTemplateOverview = z.infer<typeof couponTemplateOverview>
