import { Schema, type Connection, type Model } from 'mongoose'
import type { LotteryFallback, LotteryPrizeInput, LotteryStatus } from '@mall/shared'
import { getModel } from '../../db/connect'

/** The lottery's settings; its prizes live in frozen versions (LotteryVersionDoc). `status` is a cache. */
export interface LotteryDoc {
  _id: string
  name: string
  costPoints: number
  dailyLimit: number
  budgetPoints: number
  startsAt: string
  endsAt: string
  status: LotteryStatus
  createdBy: string
  createdAt: Date
}

/**
 * One frozen set of prizes, `_id` = `<lotteryId>:v<n>`: written once, never updated. The version a
 * draw uses is the newest whose `effectiveFrom` has come; on a live lottery a new version may only
 * start now or later, so no draw already made is ever judged by other rules.
 */
export interface LotteryVersionDoc {
  _id: string
  lotteryId: string
  version: number
  effectiveFrom: Date
  prizes: LotteryPrizeInput[]
  consolationPrizeId: string
  createdBy: string
  createdAt: Date
}

/**
 * A draw IS one of the member's numbered draws of the day: `_id` = `<lotteryId>:<memberId>:<day>#<n>`
 * with n ≤ the daily limit, so the limit holds by unique inserts. It is written before the points are
 * spent (the paid-item saga, ledger/paid-item.ts) and carries the RNG output from the start, so the
 * prize the RNG picks is fixed before anything else happens; a refused payment deletes it again.
 */
export interface LotteryDrawDoc {
  _id: string
  lotteryId: string
  memberId: string
  day: string
  n: number
  /** random per attempt: part of the payment's ledger key, so a freed slot can be drawn again */
  attempt: string
  version: number
  /** the cryptographic RNG's output in [0, 1,000,000) */
  rng: number
  /** the prize the RNG picked under the version (the fairness report counts these) */
  pickedPrizeId: string
  costPoints: number
  /** pending_payment → paid (points spent) → settled (prize handed out); cache of the rows below */
  state: 'pending_payment' | 'paid' | 'settled'
  /** the outcome's cache (the outcome row decides) */
  prizeId: string | null
  fallback: LotteryFallback | null
  at: Date
}

/**
 * The draw's outcome, `_id` = the draw's id: inserted once, after the points are spent and the prize's
 * stock slot and budget are secured, so the first insert is the prize the member is shown and given.
 */
export interface LotteryOutcomeDoc {
  _id: string
  lotteryId: string
  memberId: string
  prizeId: string
  fallback: LotteryFallback | null
  /** the stock slot taken, if the prize has a stock */
  slot: number | null
  couponId: string | null
  /** the points-mall redemption a gift prize became (picked up at the service desk) */
  giftRedemptionId?: string | null
  at: Date
  settled: boolean
}

/**
 * One unit of a prize's stock: `_id` = `<lotteryId>:<prizeId>#<slot>` with slot ≤ the stock, keyed by
 * the prize id and not the version, so a new version never hands out a prize again (fuco-report #95).
 * The unique `drawId` makes a retried draw find its own slot instead of taking a second one.
 */
export interface LotteryPrizeSlotDoc {
  _id: string
  lotteryId: string
  prizeId: string
  slot: number
  drawId: string
  at: Date
}

/** Highest stock slot known taken per `<lotteryId>:<prizeId>`; a lost `$max` only costs probes. */
export interface LotteryStockHintDoc {
  _id: string
  taken: number
}

/** The released draws: `<drawId>@<attempt>`; only the releaser that inserted it deletes the draw. */
export interface LotteryReleaseDoc {
  _id: string
  at: Date
}

/** Transitions (`<lotteryId>:activate|budget|kill`), each decided by its insert, as for campaigns. */
export interface LotteryTransitionDoc {
  _id: string
  lotteryId: string
  kind: 'activate' | 'budget' | 'kill'
  by: string
  at: Date
  settled: boolean
}

const lotterySchema = new Schema<LotteryDoc>(
  {
    _id: String,
    name: String,
    costPoints: Number,
    dailyLimit: Number,
    budgetPoints: Number,
    startsAt: String,
    endsAt: String,
    status: String,
    createdBy: String,
    createdAt: Date,
  },
  { versionKey: false, collection: 'lotteries' },
)
const versionSchema = new Schema<LotteryVersionDoc>(
  {
    _id: String,
    lotteryId: String,
    version: Number,
    effectiveFrom: Date,
    prizes: Schema.Types.Mixed,
    consolationPrizeId: String,
    createdBy: String,
    createdAt: Date,
  },
  { versionKey: false, collection: 'lottery_versions', minimize: false },
)
versionSchema.index({ lotteryId: 1 })
const drawSchema = new Schema<LotteryDrawDoc>(
  {
    _id: String,
    lotteryId: String,
    memberId: String,
    day: String,
    n: Number,
    attempt: String,
    version: Number,
    rng: Number,
    pickedPrizeId: String,
    costPoints: Number,
    state: String,
    prizeId: { type: String, default: null },
    fallback: { type: String, default: null },
    at: Date,
  },
  { versionKey: false, collection: 'lottery_draws' },
)
drawSchema.index({ memberId: 1, at: -1 })
drawSchema.index({ lotteryId: 1, at: -1 })
drawSchema.index({ state: 1, at: 1 }) // the sweeper's unfinished draws (on MongoDB)
const outcomeSchema = new Schema<LotteryOutcomeDoc>(
  {
    _id: String,
    lotteryId: String,
    memberId: String,
    prizeId: String,
    fallback: { type: String, default: null },
    slot: { type: Number, default: null },
    couponId: { type: String, default: null },
    giftRedemptionId: { type: String, default: null },
    at: Date,
    settled: Boolean,
  },
  { versionKey: false, collection: 'lottery_outcomes' },
)
outcomeSchema.index({ settled: 1, at: 1 })
const slotSchema = new Schema<LotteryPrizeSlotDoc>(
  { _id: String, lotteryId: String, prizeId: String, slot: Number, drawId: String, at: Date },
  { versionKey: false, collection: 'lottery_prize_slots' },
)
slotSchema.index({ drawId: 1 }, { unique: true })
const releaseSchema = new Schema<LotteryReleaseDoc>(
  { _id: String, at: Date },
  { versionKey: false, collection: 'lottery_releases' },
)
const stockHintSchema = new Schema<LotteryStockHintDoc>(
  { _id: String, taken: Number },
  { versionKey: false, collection: 'lottery_stock_hints' },
)
const transitionSchema = new Schema<LotteryTransitionDoc>(
  { _id: String, lotteryId: String, kind: String, by: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'lottery_transitions' },
)

export interface LotteryModels {
  Lottery: Model<LotteryDoc>
  Version: Model<LotteryVersionDoc>
  Draw: Model<LotteryDrawDoc>
  Outcome: Model<LotteryOutcomeDoc>
  PrizeSlot: Model<LotteryPrizeSlotDoc>
  Release: Model<LotteryReleaseDoc>
  StockHint: Model<LotteryStockHintDoc>
  Transition: Model<LotteryTransitionDoc>
}

export function lotteryModels(conn: Connection): LotteryModels {
  return {
    Lottery: getModel(conn, 'Lottery', lotterySchema),
    Version: getModel(conn, 'LotteryVersion', versionSchema),
    Draw: getModel(conn, 'LotteryDraw', drawSchema),
    Outcome: getModel(conn, 'LotteryOutcome', outcomeSchema),
    PrizeSlot: getModel(conn, 'LotteryPrizeSlot', slotSchema),
    Release: getModel(conn, 'LotteryRelease', releaseSchema),
    StockHint: getModel(conn, 'LotteryStockHint', stockHintSchema),
    Transition: getModel(conn, 'LotteryTransition', transitionSchema),
  }
}

export const versionId = (lotteryId: string, version: number) => `${lotteryId}:v${version}`
export const prizeSlotId = (lotteryId: string, prizeId: string, slot: number) => `${lotteryId}:${prizeId}#${slot}`
export const drawId = (lotteryId: string, memberId: string, day: string, n: number) =>
  `${lotteryId}:${memberId}:${day}#${n}`
