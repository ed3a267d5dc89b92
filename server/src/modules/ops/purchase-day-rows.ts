import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'
import type { PurchaseDoc } from '../points/purchase.model'
import type { PurchaseFactDoc } from '../points/purchase-facts'

/** A posted purchase as the dashboard's figures, its channel mix and the member insight use it. */
export type PostedPurchase = Pick<
  PurchaseDoc,
  '_id' | 'memberId' | 'storeId' | 'amountFen' | 'createdAt' | 'channel' | 'points'
>

/** The purchase facts a closed day's row keeps, one column per field (smaller than an object per fact). */
export interface DayPurchaseFacts {
  kind: PurchaseFactDoc['kind'][]
  purchaseId: string[]
  memberId: string[]
  storeId: string[]
  amountFen: number[]
  points: number[]
  channel: string[]
  /** ms since the epoch */
  createdAt: number[]
}

/**
 * The purchase facts summarised when a Shanghai day closed, `_id` = `kpi-purchases:<yyyy-mm-dd>`,
 * inserted once and never changed (ops/purchase-days.ts): the facts written that day and any older
 * one not yet in a row. Facts count by the purchase they name, not the row they are in, so a row
 * says nothing about its day's sales: a purchase counts on the day it was made, as the purchases
 * collection says. The marker `kpi-purchase-days:first` names the first day; rows run without a gap.
 */
export interface PurchaseDayDoc {
  _id: string
  day: string
  facts: DayPurchaseFacts
  closedAt: Date
}

const schema = new Schema<PurchaseDayDoc>(
  { _id: String, day: String, facts: Schema.Types.Mixed, closedAt: Date },
  { versionKey: false, collection: 'kpi_purchase_days' },
)

export const purchaseDayModel = (conn: Connection): Model<PurchaseDayDoc> => getModel(conn, 'PurchaseDay', schema)

export const purchaseDayRowId = (day: string) => `kpi-purchases:${day}`
export const FIRST_PURCHASE_DAY_ID = 'kpi-purchase-days:first'

/** The marker row: the first day, and when it was marked (a different marker means another database). */
export interface FirstPurchaseDayDoc {
  _id: string
  day: string
  at: Date
}

export type PurchaseFact = Omit<PurchaseFactDoc, '_id' | 'day'>

export const factId = (f: Pick<PurchaseFact, 'purchaseId' | 'kind'>) => `${f.purchaseId}:${f.kind}`

export function purchaseDayRow(day: string, facts: PurchaseFact[], closedAt: Date): PurchaseDayDoc {
  return {
    _id: purchaseDayRowId(day),
    day,
    facts: {
      kind: facts.map((f) => f.kind),
      purchaseId: facts.map((f) => f.purchaseId),
      memberId: facts.map((f) => f.memberId),
      storeId: facts.map((f) => f.storeId),
      amountFen: facts.map((f) => f.amountFen),
      points: facts.map((f) => f.points),
      channel: facts.map((f) => f.channel),
      createdAt: facts.map((f) => new Date(f.createdAt).getTime()),
    },
    closedAt,
  }
}

export function factsOfRow(row: Pick<PurchaseDayDoc, 'facts'>): PurchaseFact[] {
  const c = row.facts
  return c.purchaseId.map((purchaseId, i) => ({
    kind: c.kind[i]!,
    purchaseId,
    memberId: c.memberId[i]!,
    storeId: c.storeId[i]!,
    amountFen: c.amountFen[i]!,
    points: c.points[i]!,
    channel: c.channel[i]!,
    createdAt: new Date(c.createdAt[i]!),
  }))
}

/**
 * The posted purchases some facts add up to: those with a posted fact and no reversed one. The same
 * fact seen twice (in a row and still in the facts, after a closer stopped between the two) counts once.
 */
export class PostedSet {
  private readonly posted = new Map<string, PostedPurchase>()
  private readonly reversed = new Set<string>()
  private list: PostedPurchase[] | null = null

  add(f: PurchaseFact): void {
    this.list = null
    if (f.kind === 'reversed') this.reversed.add(f.purchaseId)
    else if (!this.posted.has(f.purchaseId)) this.posted.set(f.purchaseId, postedPurchaseOf(f))
  }

  has(purchaseId: string): boolean {
    return this.posted.has(purchaseId)
  }

  isReversed(purchaseId: string): boolean {
    return this.reversed.has(purchaseId)
  }

  /** The posted purchases, by purchase id (kept until the next `add`). */
  rows(): PostedPurchase[] {
    this.list ??= [...this.posted.values()]
      .filter((p) => !this.reversed.has(p._id))
      .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
    return this.list
  }
}

function postedPurchaseOf(f: PurchaseFact): PostedPurchase {
  return {
    _id: f.purchaseId,
    memberId: f.memberId,
    storeId: f.storeId,
    amountFen: f.amountFen,
    createdAt: new Date(f.createdAt),
    channel: f.channel as PostedPurchase['channel'],
    points: f.points,
  }
}
