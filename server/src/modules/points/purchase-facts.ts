import { Schema, type Connection, type Model } from 'mongoose'
import { shanghaiDay } from '@mall/shared'
import { getModel, insertOnce } from '../../db/connect'
import type { PurchaseDoc } from './purchase.model'

/**
 * What the operator dashboard learns when a purchase joins or leaves the posted purchases, in a small
 * row written by the earn pipeline: `<purchaseId>:posted` once its ledger entry exists, and
 * `<purchaseId>:reversed` once its reversal's entry exists. Each is written once (a replay or the
 * sweeper writes the same `_id`), before the purchase's status cache moves, so the posted purchases
 * are exactly the purchases with a posted fact and no reversed one. The dashboard keeps them in day
 * rows (ops/purchase-days.ts) and deletes the facts it summarised, so this collection holds about a day.
 */
export interface PurchaseFactDoc {
  _id: string
  /** the Shanghai day the fact was written: the day row it goes into when that day closes */
  day: string
  kind: 'posted' | 'reversed'
  purchaseId: string
  memberId: string
  storeId: string
  amountFen: number
  points: number
  channel: string
  /** when the purchase was made: the day the dashboard counts it on (a desk entry's is in the past) */
  createdAt: Date
}

const schema = new Schema<PurchaseFactDoc>(
  {
    _id: String,
    day: String,
    kind: String,
    purchaseId: String,
    memberId: String,
    storeId: String,
    amountFen: Number,
    points: Number,
    channel: String,
    createdAt: Date,
  },
  { versionKey: false, collection: 'kpi_purchase_facts' },
)

export const purchaseFactModel = (conn: Connection): Model<PurchaseFactDoc> => getModel(conn, 'PurchaseFact', schema)

export type FactPurchase = Pick<
  PurchaseDoc,
  '_id' | 'memberId' | 'storeId' | 'amountFen' | 'points' | 'channel' | 'createdAt'
>

/** The fact of `purchase` (with the points it earned) becoming `kind`, written at `now`. */
export function purchaseFactOf(purchase: FactPurchase, kind: PurchaseFactDoc['kind'], now: Date): PurchaseFactDoc {
  return {
    _id: `${purchase._id}:${kind}`,
    day: shanghaiDay(now),
    kind,
    purchaseId: purchase._id,
    memberId: purchase.memberId,
    storeId: purchase.storeId,
    amountFen: purchase.amountFen,
    points: purchase.points,
    channel: purchase.channel,
    createdAt: new Date(purchase.createdAt),
  }
}

/** Writes the fact once; a second write of it (a replay, the sweeper) changes nothing. */
export async function recordPurchaseFact(
  model: Model<PurchaseFactDoc>,
  purchase: FactPurchase,
  kind: PurchaseFactDoc['kind'],
  now: Date,
): Promise<void> {
  await insertOnce(model, purchaseFactOf(purchase, kind, now) as never)
}
