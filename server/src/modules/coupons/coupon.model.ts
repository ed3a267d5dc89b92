import { Schema, type Connection, type Model } from 'mongoose'
import type { CouponTemplate } from '@mall/shared'
import { getModel } from '../../db/connect'

/** `configVersion`: the last status change applied (config_versions); absent for templates from before the history */
export type CouponTemplateDoc = CouponTemplate & { createdAt: Date; createdBy: string; configVersion?: number }

/**
 * A claimed coupon IS its stock slot: `_id` = `<templateId>#<slot>` with slot ≤ stock, and the
 * unique (templateId, memberId, ordinal) index enforces the per-member limit on the same insert.
 * Neither stock nor limit is ever read-checked-then-written (litemall #581 gave 9 coupons from 1).
 */
export interface CouponDoc {
  _id: string
  templateId: string
  slot: number
  memberId: string
  ordinal: number
  /**
   * pending_payment: slot reserved, points not yet debited (saga), or a run under an Idempotency-Key not yet
   * decided (claim-run.ts); active: the member's to use
   */
  state: 'pending_payment' | 'active' | 'redeemed'
  /**
   * per claim run (random, or derived from the request's Idempotency-Key: coupon_claim_requests): the
   * payment's ledger key, so a slot freed by compensation can be claimed again
   */
  claimId: string
  validFrom: string
  validTo: string
  claimedAt: Date
  redeemedAt: Date | null
  redeemedBy: string | null
  redeemedStoreId: string | null
  /** how many use/undo events the coupon had when its state was written (coupon-uses.ts); absent before any */
  chain?: number
}

/**
 * A coupon's redemptions and undos, each decided by its insert: `_id` = `<coupon>:use<n>` or
 * `<coupon>:undo<n>` (coupon-uses.ts). `storeId` is the store of the redemption (an undo's too).
 * Redemptions and undos logged before the chain keep other ids and no `settled` (migration
 * 2026-12-06-02 made a coupon's standing one its `:use1`).
 */
export interface CouponRedemptionLogDoc {
  _id: string
  couponId: string
  action: 'redeem' | 'undo'
  staffId: string
  storeId: string
  at: Date
  settled?: boolean
}

/**
 * A slot that may be free below the highest one taken: one row each time a claim left it. A release
 * after a failed payment is `<couponId>@<claimId>`, and its insert gates the release: of two releases
 * of one claim only the one that inserted deletes. A give-back (the member holds that ordinal) is
 * `<couponId>@<claimId>~<random>`, one per give-back, as the claim may take the slot again under its
 * next ordinal and still need its release key. Readers of "N left" check each against the coupon
 * rows, so a slot re-taken since is not counted free.
 */
export interface CouponSlotHoleDoc {
  _id: string
  templateId: string
  slot: number
  at: Date
}

/**
 * One run of a claim made under an `Idempotency-Key`: `_id` = `claim:<claimId>`, the claimId derived from
 * the request's operation key and the run's number. Its insert decides which run owns that claimId, so
 * a retry after a takeover finds the coupon of the run it replaces instead of claiming (and paying) again.
 */
export interface CouponClaimRequestDoc {
  _id: string
  memberId: string
  templateId: string
  at: Date
}

/**
 * Whether a claim run takes effect (claim-run.ts), in the same collection: `_id` = `claim:<claimId>:decision`,
 * inserted by the run before its first effect or by a retry that gives the run up; the first insert wins.
 */
export interface CouponClaimDecisionDoc {
  _id: string
  memberId: string
  takesEffect: boolean
  at: Date
}

/** Hint for where free slots start; a stale hint costs retries, never correctness. */
export interface CouponStockHintDoc {
  _id: string
  claimedHint: number
}

const templateSchema = new Schema<CouponTemplateDoc>(
  {
    _id: String,
    name: String,
    type: String,
    thresholdFen: Number,
    valueFen: Number,
    discountPermille: Number,
    maxDiscountFen: Number,
    giftName: String,
    parkingHours: Number,
    stock: { type: Number, default: null },
    perMemberLimit: Number,
    claimStart: String,
    claimEnd: String,
    validity: Schema.Types.Mixed,
    eligibleTiers: [Number],
    storeIds: [String],
    pricePoints: Number,
    fundedBy: String,
    status: String,
    createdAt: Date,
    createdBy: String,
    configVersion: Number,
  },
  { versionKey: false, collection: 'coupon_templates', minimize: false },
)

const couponSchema = new Schema<CouponDoc>(
  {
    _id: String,
    templateId: { type: String, required: true },
    slot: { type: Number, required: true },
    memberId: { type: String, required: true },
    ordinal: { type: Number, required: true },
    state: { type: String, required: true },
    claimId: String,
    validFrom: String,
    validTo: String,
    claimedAt: Date,
    redeemedAt: { type: Date, default: null },
    redeemedBy: { type: String, default: null },
    redeemedStoreId: { type: String, default: null },
    chain: Number,
  },
  { versionKey: false, collection: 'coupons' },
)
couponSchema.index({ templateId: 1, memberId: 1, ordinal: 1 }, { unique: true })
couponSchema.index({ memberId: 1 })
couponSchema.index({ state: 1, claimedAt: 1 }) // the sweeper's unpaid claims (on MongoDB)

const redemptionLogSchema = new Schema<CouponRedemptionLogDoc>(
  { _id: String, couponId: String, action: String, staffId: String, storeId: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'coupon_redemption_log' },
)
redemptionLogSchema.index({ settled: 1, at: 1 }) // the sweeper's unsettled uses (on MongoDB)
const slotHoleSchema = new Schema<CouponSlotHoleDoc>(
  { _id: String, templateId: String, slot: Number, at: Date },
  { versionKey: false, collection: 'coupon_slot_holes' },
)
slotHoleSchema.index({ templateId: 1 })
const claimRequestSchema = new Schema<CouponClaimRequestDoc>(
  { _id: String, memberId: String, templateId: String, at: Date },
  { versionKey: false, collection: 'coupon_claim_requests' },
)
const stockHintSchema = new Schema<CouponStockHintDoc>(
  { _id: String, claimedHint: Number },
  { versionKey: false, collection: 'coupon_stock_hints' },
)

export interface CouponModels {
  Template: Model<CouponTemplateDoc>
  Coupon: Model<CouponDoc>
  RedemptionLog: Model<CouponRedemptionLogDoc>
  StockHint: Model<CouponStockHintDoc>
  SlotHole: Model<CouponSlotHoleDoc>
  ClaimRequest: Model<CouponClaimRequestDoc>
}

export function couponModels(conn: Connection): CouponModels {
  return {
    Template: getModel(conn, 'CouponTemplate', templateSchema),
    Coupon: getModel(conn, 'Coupon', couponSchema),
    RedemptionLog: getModel(conn, 'CouponRedemptionLog', redemptionLogSchema),
    StockHint: getModel(conn, 'CouponStockHint', stockHintSchema),
    SlotHole: getModel(conn, 'CouponSlotHole', slotHoleSchema),
    ClaimRequest: getModel(conn, 'CouponClaimRequest', claimRequestSchema),
  }
}

export const couponId = (templateId: string, slot: number) => `${templateId}#${slot}`
/** Digits for the signed redemption code: 6-digit template + 7-digit slot. */
export const couponCodeSubject = (c: Pick<CouponDoc, 'templateId' | 'slot'>) =>
  `${c.templateId}${String(c.slot).padStart(7, '0')}`
export const MAX_SLOT = 9_999_999
