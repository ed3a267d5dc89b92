import { Schema, type Connection, type Model } from 'mongoose'
import type { AddressInput, GiftInput, RedemptionOutcome, RedemptionStatus } from '@mall/shared'
import { getModel } from '../../db/connect'
import type { TransitionRow } from '../../db/transitions'
import type { CouponSlotHoleDoc, CouponStockHintDoc } from '../coupons/coupon.model'
import type { SlotStore } from '../coupons/slot-allocator'

/** A gift of the points mall; `_id` is 6 digits. `configVersion`: the last version applied (config_versions). */
export type GiftDoc = GiftInput & { _id: string; createdAt: Date; createdBy: string; configVersion?: number }

/**
 * A unit of a gift's stock and of the member's limit, the coupon way (slot-allocator.ts):
 * `_id` = `<gift>#<slot>` with slot ≤ stock, and the unique (giftId, memberId, ordinal) enforces
 * the per-member limit on the same insert. A cancelled or lapsed redemption gives its slot back.
 */
export interface GiftSlotDoc {
  _id: string
  giftId: string
  slot: number
  memberId: string
  ordinal: number
  redemptionId: string
  at: Date
}

/**
 * A member's redemption, `_id` = 13 random digits (also the pickup code's subject). `state` is the
 * payment saga's (paid-item.ts); `status` is a cache of the redemption's decision row.
 */
export interface GiftRedemptionDoc {
  _id: string
  giftId: string
  memberId: string
  giftName: string
  thumbImageId: string | null
  pricePoints: number
  fulfilment: 'pickup' | 'delivery'
  address: AddressInput | null
  /** pending_payment: slot being taken or points being debited; failed: released, never paid */
  state: 'pending_payment' | 'active' | 'failed'
  slotId: string | null
  status: RedemptionStatus
  redeemedAt: Date
  /** a pickup's lapse, fixed at redemption from the gift's pickupDays */
  expiresAt: Date | null
  refundOnExpiry: boolean
  /** a prize handed out by another module (the lottery): free, keyed by `grantKey` */
  grantKey: string | null
}

/**
 * What ended a redemption: `_id` = `<redemption>:decision`. Picked up, shipped, cancelled and lapsed
 * all insert this one row, so of a cancel and a pickup racing exactly one wins (db/transitions.ts).
 */
export interface GiftDecisionDoc extends TransitionRow {
  redemptionId: string
  outcome: RedemptionOutcome
  by: string
  storeId: string | null
  carrier: string | null
  trackingNo: string | null
  /** points given back by this decision (cancel, lapse with refund), 0 when none */
  refundPoints: number
}

/** An uploaded picture: the display size and a thumbnail, both re-encoded by sharp. */
export interface GiftImageDoc {
  _id: string
  mime: string
  data: Buffer
  thumb: Buffer
  width: number
  height: number
  uploadedBy: string
  at: Date
}

/** A gift given by another module (a lottery prize): `_id` = the caller's key, pointing at its redemption. */
export interface GiftGrantDoc {
  _id: string
  redemptionId: string
  at: Date
}

/**
 * A grant's outcome, `_id` = `<redemption>:grant`: held (its slot is in) or failed (stock or limit refused it,
 * or the sweeper found it without a slot). The grant's writer and the sweeper both insert it; the first insert
 * decides and the other follows (gift-grant-outcome.ts).
 */
export interface GiftGrantOutcomeDoc extends TransitionRow {
  redemptionId: string
  outcome: 'held' | 'failed'
}

/** A member's saved address: `_id` = `<member>:a<n>`, n in 1..10 (the insert takes the place). */
export interface AddressDoc extends AddressInput {
  _id: string
  memberId: string
  at: Date
}

const giftSchema = new Schema<GiftDoc>(
  {
    _id: String,
    name: String,
    kind: String,
    category: String,
    description: String,
    imageIds: [String],
    pricePoints: Number,
    cashFen: Number,
    stock: { type: Number, default: null },
    perMemberLimit: Number,
    eligibleTiers: [Number],
    availableFrom: { type: String, default: null },
    availableTo: { type: String, default: null },
    sort: Number,
    fulfilment: [String],
    pickupDays: Number,
    refundOnExpiry: Boolean,
    status: String,
    createdAt: Date,
    createdBy: String,
    configVersion: Number,
  },
  { versionKey: false, collection: 'gifts', minimize: false },
)

const slotSchema = new Schema<GiftSlotDoc>(
  { _id: String, giftId: String, slot: Number, memberId: String, ordinal: Number, redemptionId: String, at: Date },
  { versionKey: false, collection: 'gift_slots' },
)
slotSchema.index({ giftId: 1, memberId: 1, ordinal: 1 }, { unique: true })
// One slot per redemption, by insert: two writers finishing one grant cannot both take stock.
slotSchema.index({ redemptionId: 1 }, { unique: true })
slotSchema.index({ memberId: 1 })

const redemptionSchema = new Schema<GiftRedemptionDoc>(
  {
    _id: String,
    giftId: String,
    memberId: String,
    giftName: String,
    thumbImageId: { type: String, default: null },
    pricePoints: Number,
    fulfilment: String,
    address: { type: Schema.Types.Mixed, default: null },
    state: String,
    slotId: { type: String, default: null },
    status: String,
    redeemedAt: Date,
    expiresAt: { type: Date, default: null },
    refundOnExpiry: Boolean,
    grantKey: { type: String, default: null },
  },
  { versionKey: false, collection: 'gift_redemptions', minimize: false },
)
redemptionSchema.index({ memberId: 1, redeemedAt: -1 })
redemptionSchema.index({ status: 1, expiresAt: 1 }) // the lapse job (on MongoDB)
redemptionSchema.index({ state: 1, redeemedAt: 1 }) // the saga sweeper (on MongoDB)

const decisionSchema = new Schema<GiftDecisionDoc>(
  {
    _id: String,
    redemptionId: String,
    outcome: String,
    by: String,
    storeId: { type: String, default: null },
    carrier: { type: String, default: null },
    trackingNo: { type: String, default: null },
    refundPoints: Number,
    at: Date,
    settled: Boolean,
  },
  { versionKey: false, collection: 'gift_redemption_decisions' },
)
decisionSchema.index({ settled: 1, at: 1 })

const imageSchema = new Schema<GiftImageDoc>(
  {
    _id: String,
    mime: String,
    data: Buffer,
    thumb: Buffer,
    width: Number,
    height: Number,
    uploadedBy: String,
    at: Date,
  },
  { versionKey: false, collection: 'gift_images' },
)
const grantSchema = new Schema<GiftGrantDoc>(
  { _id: String, redemptionId: String, at: Date },
  { versionKey: false, collection: 'gift_grants' },
)
const grantOutcomeSchema = new Schema<GiftGrantOutcomeDoc>(
  { _id: String, redemptionId: String, outcome: String, at: Date },
  { versionKey: false, collection: 'gift_grant_outcomes' },
)
const addressSchema = new Schema<AddressDoc>(
  {
    _id: String,
    memberId: String,
    name: String,
    phone: String,
    region: String,
    detail: String,
    at: Date,
  },
  { versionKey: false, collection: 'member_addresses' },
)
addressSchema.index({ memberId: 1 })

const holeSchema = new Schema<CouponSlotHoleDoc>(
  { _id: String, templateId: String, slot: Number, at: Date },
  { versionKey: false, collection: 'gift_slot_holes' },
)
holeSchema.index({ templateId: 1 })
const hintSchema = new Schema<CouponStockHintDoc>(
  { _id: String, claimedHint: Number },
  { versionKey: false, collection: 'gift_stock_hints' },
)

export interface PointsMallModels {
  Gift: Model<GiftDoc>
  Slot: Model<GiftSlotDoc>
  Redemption: Model<GiftRedemptionDoc>
  Decision: Model<GiftDecisionDoc>
  Image: Model<GiftImageDoc>
  Grant: Model<GiftGrantDoc>
  GrantOutcome: Model<GiftGrantOutcomeDoc>
  Address: Model<AddressDoc>
  slots: SlotStore
}

export function pointsMallModels(conn: Connection): PointsMallModels {
  const Slot = getModel(conn, 'GiftSlot', slotSchema)
  return {
    Gift: getModel(conn, 'Gift', giftSchema),
    Slot,
    Redemption: getModel(conn, 'GiftRedemption', redemptionSchema),
    Decision: getModel(conn, 'GiftRedemptionDecision', decisionSchema),
    Image: getModel(conn, 'GiftImage', imageSchema),
    Grant: getModel(conn, 'GiftGrant', grantSchema),
    GrantOutcome: getModel(conn, 'GiftGrantOutcome', grantOutcomeSchema),
    Address: getModel(conn, 'MemberAddress', addressSchema),
    slots: {
      Slot,
      ownerField: 'giftId',
      SlotHole: getModel(conn, 'GiftSlotHole', holeSchema),
      StockHint: getModel(conn, 'GiftStockHint', hintSchema),
      slotId: giftSlotId,
    },
  }
}

export const giftSlotId = (giftId: string, slot: number) => `${giftId}#${slot}`
export const decisionId = (redemptionId: string) => `${redemptionId}:decision`
export const grantOutcomeId = (redemptionId: string) => `${redemptionId}:grant`
