import type { Connection, Model } from 'mongoose'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import {
  purchaseKeyModel,
  purchaseModel,
  type PurchaseChannel,
  type PurchaseDoc,
  type PurchaseKeyDoc,
  type PurchaseStatus,
} from './purchase.model'

/** A purchase as any channel reports it (the one earn pipeline: till, WeChat Pay 智慧商圈, …). */
export interface RecordPurchaseInput {
  channel: PurchaseChannel
  /** `<store>:<receiptNo>` when the purchase has a receipt number, else `wx:<transaction_id>` */
  purchaseId: string
  storeId: string
  receiptNo: string
  transactionId?: string
  memberId: string
  amountFen: number
  /** when it was bought: the day and month its points and caps count in */
  at: Date
  /** who reported it: the staff member, or the channel ('wechat_pay') */
  by: string
  status?: Extract<PurchaseStatus, 'pending_approval' | 'posting'>
  flags?: string[]
  /** for a receipt held for approval: the points it is expected to earn (shown until it posts) */
  expectedPoints?: number
}

export type Recorded =
  /** this report recorded the purchase */
  | { outcome: 'recorded'; purchase: PurchaseDoc }
  /** the same purchase was recorded before under its own id (a retry, a concurrent repeat) */
  | { outcome: 'repeat'; purchase: PurchaseDoc }
  /** another purchase holds one of its keys (another channel reported this payment first) */
  | { outcome: 'linked'; holder: PurchaseKeyDoc; purchase: PurchaseDoc | null }

export const txnKey = (transactionId: string) => `txn:${transactionId}`

/**
 * Records purchases under every key they have, each by a unique insert: the purchase row itself
 * (`_id` = its receipt key or `wx:<transaction_id>`) and `txn:<transaction_id>` in purchase_keys,
 * claimed first. No read decides anything: of two channels reporting one payment, the one whose key
 * insert lost finds the other's purchase and is linked to it. A till award without a transaction id
 * costs exactly the one insert it always did.
 */
export class PurchaseRecorder {
  readonly Purchase: Model<PurchaseDoc>
  private readonly Key: Model<PurchaseKeyDoc>

  constructor(conn: Connection) {
    this.Purchase = purchaseModel(conn)
    this.Key = purchaseKeyModel(conn)
  }

  async record(input: RecordPurchaseInput): Promise<Recorded> {
    const doc = purchaseDoc(input)
    if (input.transactionId) {
      // The key carries the purchase it was claimed for, so a crash before the purchase row cannot strand it.
      const key: PurchaseKeyDoc = {
        _id: txnKey(input.transactionId),
        purchaseId: input.purchaseId,
        channel: input.channel,
        at: input.at,
        purchase: doc,
      }
      if (!(await insertOnce(this.Key, key as never))) {
        const holder = await findById<PurchaseKeyDoc>(this.Key, key._id)
        if (!holder) throw new DomainError('PURCHASE.IN_PROGRESS', 'purchase key released meanwhile')
        if (holder.purchaseId !== input.purchaseId)
          return { outcome: 'linked', holder, purchase: await this.holderPurchase(holder) }
      }
    }
    if (await insertOnce(this.Purchase, doc as never)) return { outcome: 'recorded', purchase: doc }
    return { outcome: 'repeat', purchase: (await findById<PurchaseDoc>(this.Purchase, doc._id))! }
  }

  /**
   * The purchase another channel claimed the key for. If that channel died between the key and the
   * purchase row, the row is written here from the key (the same insert it would have made: whichever
   * lands first is the one row), so the payment is recorded once and never left unearned.
   */
  private async holderPurchase(holder: PurchaseKeyDoc): Promise<PurchaseDoc | null> {
    const existing = await findById<PurchaseDoc>(this.Purchase, holder.purchaseId)
    if (existing || !holder.purchase) return existing
    await insertOnce(this.Purchase, holder.purchase as never)
    return findById<PurchaseDoc>(this.Purchase, holder.purchaseId)
  }

  /** The purchase known by this WeChat Pay order number, if any channel recorded one. */
  async byTransaction(transactionId: string): Promise<PurchaseDoc | null> {
    const key = await findById<PurchaseKeyDoc>(this.Key, txnKey(transactionId))
    return key ? findById<PurchaseDoc>(this.Purchase, key.purchaseId) : null
  }
}

/** The purchase row `record` writes for a report (also what tests insert as the row a crash left). */
export function purchaseDoc(input: RecordPurchaseInput): PurchaseDoc {
  return {
    _id: input.purchaseId,
    storeId: input.storeId,
    receiptNo: input.receiptNo,
    memberId: input.memberId,
    amountFen: input.amountFen,
    staffId: input.by,
    status: input.status ?? 'posting',
    points: input.expectedPoints ?? 0,
    entryId: null,
    approvedBy: null,
    reversedBy: null,
    reversalReason: null,
    flags: input.flags ?? [],
    createdAt: input.at,
    postedAt: null,
    channel: input.channel,
    ...(input.transactionId ? { transactionId: input.transactionId } : {}),
  }
}

/** Refuses a second channel's report of a purchase another channel already earned. */
export function alreadyEarned(holder: PurchaseKeyDoc): DomainError {
  return new DomainError('PURCHASE.ALREADY_EARNED', 'purchase already recorded by another channel', {
    channel: holder.channel,
    purchaseId: holder.purchaseId,
    at: new Date(holder.at).toISOString(),
  })
}
