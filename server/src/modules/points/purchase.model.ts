import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

export type PurchaseStatus = 'pending_approval' | 'posting' | 'posted' | 'rejected' | 'reversed'
/** How a purchase reached us: a clerk's scan at the till, a WeChat Pay 智慧商圈 notification, a desk's 积分补登, … */
export type PurchaseChannel = 'till' | 'wechat_pay' | 'receipt_photo' | 'service_desk'

/**
 * A receipt a store recorded for a member. `_id` = `<storeId>:<receiptNo>`: the same receipt can
 * exist once, so a second scan returns the original result instead of new points.
 */
export interface PurchaseDoc {
  _id: string
  storeId: string
  receiptNo: string
  memberId: string
  amountFen: number
  staffId: string
  status: PurchaseStatus
  points: number
  entryId: string | null
  approvedBy: string | null
  reversedBy: string | null
  reversalReason: string | null
  /** anomaly flags for managers (round amount, outside opening hours, repeated member) */
  flags: string[]
  createdAt: Date
  postedAt: Date | null
  /** who reported it (rows from before channels got 'till' from migration 2026-12-06-06) */
  channel: PurchaseChannel
  /** WeChat Pay order number, when known (its key is in purchase_keys) */
  transactionId?: string | null
}

const purchaseSchema = new Schema<PurchaseDoc>(
  {
    _id: String,
    storeId: { type: String, required: true },
    receiptNo: { type: String, required: true },
    memberId: { type: String, required: true },
    amountFen: { type: Number, required: true },
    staffId: { type: String, required: true },
    status: { type: String, required: true },
    points: { type: Number, default: 0 },
    entryId: { type: String, default: null },
    approvedBy: { type: String, default: null },
    reversedBy: { type: String, default: null },
    reversalReason: { type: String, default: null },
    flags: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    postedAt: { type: Date, default: null },
    channel: String,
    transactionId: String,
  },
  { versionKey: false, collection: 'purchases' },
)
purchaseSchema.index({ storeId: 1, status: 1 })
purchaseSchema.index({ status: 1, createdAt: 1 }) // the sweeper's postings a crash left (on MongoDB)

/**
 * A receipt's transitions (db/transitions.ts): `<purchaseId>:decision` (a held receipt approved, or
 * rejected — also by its clerk's undo) and `<purchaseId>:reversal` (a posted receipt undone or
 * refunded). The insert that wins is the transition; `PurchaseDoc.status` is a cache of these rows.
 */
export interface PurchaseTransitionDoc {
  _id: string
  subject: string
  outcome: 'approved' | 'rejected' | 'reversed'
  by: string
  reason: 'undo' | 'refund' | null
  at: Date
  settled: boolean
  /** an approval that changed the amount (a receipt photo's reviewer): the amount posted */
  amountFen?: number
  /** the reviewer's words: why the amount changed, or the rejection reason's code */
  note?: string | null
}
const purchaseTransitionSchema = new Schema<PurchaseTransitionDoc>(
  {
    _id: String,
    subject: String,
    outcome: String,
    by: String,
    reason: String,
    at: Date,
    settled: Boolean,
    amountFen: Number,
    note: String,
  },
  { versionKey: false, collection: 'purchase_transitions' },
)
purchaseTransitionSchema.index({ settled: 1, at: 1 }) // the sweeper's unsettled rows (on MongoDB)

/**
 * Running totals per Shanghai day: the leases of a till's award caps (`<staff>:<day>:L<n>`, each the
 * day's and hours' fen leased so far, `count` = n; till-quota.ts), a member's purchases at a till
 * (`<staff>:<day>:m<member>`, the repeat-member flag), members' daily earned points. Controls, not
 * the money rule.
 */
export interface DailyTotalDoc {
  _id: string
  amountFen: number
  count: number
  /** amount per Shanghai hour, 'h09' → fen */
  hours?: Record<string, number>
}
const dailyTotalSchema = new Schema<DailyTotalDoc>(
  { _id: String, amountFen: Number, count: Number, hours: Schema.Types.Mixed },
  { versionKey: false, collection: 'daily_totals' },
)

/**
 * The keys a purchase is known by besides its own `_id` (which is `<store>:<receiptNo>` for a receipt,
 * `wx:<transaction_id>` for a WeChat payment without one): `txn:<transaction_id>` → the purchase. Each
 * is claimed by a unique insert before the purchase row, so the second channel to report one payment
 * finds the first one's purchase and is linked to it or refused, never paid again.
 */
export interface PurchaseKeyDoc {
  _id: string
  purchaseId: string
  channel: PurchaseChannel
  at: Date
  /** the purchase row the key was claimed for (written from here if its channel died before writing it) */
  purchase?: PurchaseDoc
}
const purchaseKeySchema = new Schema<PurchaseKeyDoc>(
  { _id: String, purchaseId: String, channel: String, at: Date, purchase: Schema.Types.Mixed },
  { versionKey: false, collection: 'purchase_keys' },
)

export const purchaseKeyModel = (conn: Connection): Model<PurchaseKeyDoc> =>
  getModel(conn, 'PurchaseKey', purchaseKeySchema)
export const purchaseModel = (conn: Connection): Model<PurchaseDoc> => getModel(conn, 'Purchase', purchaseSchema)
export const purchaseTransitionModel = (conn: Connection): Model<PurchaseTransitionDoc> =>
  getModel(conn, 'PurchaseTransition', purchaseTransitionSchema)
export const dailyTotalModel = (conn: Connection): Model<DailyTotalDoc> =>
  getModel(conn, 'DailyTotal', dailyTotalSchema)
