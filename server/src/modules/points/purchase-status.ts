import type { Connection, Model } from 'mongoose'
import type { PurchaseResult } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { claimTransition, markSettled, unsettled, type Claimed } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import {
  purchaseModel,
  purchaseTransitionModel,
  type PurchaseDoc,
  type PurchaseStatus,
  type PurchaseTransitionDoc,
} from './purchase.model'
import { purchaseFactModel, recordPurchaseFact, type FactPurchase, type PurchaseFactDoc } from './purchase-facts'

/** A receipt as its transition rows say it is (the stored `status` is only their cache). */
export interface PurchaseState {
  purchase: PurchaseDoc
  decision: PurchaseTransitionDoc | null
  reversal: PurchaseTransitionDoc | null
}

/** How long a transition's writer has to finish before the sweeper finishes it instead. */
export const SETTLE_GRACE_MS = 30_000

export const decisionId = (purchaseId: string) => `${purchaseId}:decision`
export const reversalId = (purchaseId: string) => `${purchaseId}:reversal`

/**
 * The status a receipt's rows give it. Without rows the cache is all there is (a receipt recorded
 * and posted without approval, or one from before the rows).
 */
export function derivedStatus(
  p: PurchaseDoc,
  decision: PurchaseTransitionDoc | null,
  reversal: PurchaseTransitionDoc | null,
): PurchaseStatus {
  if (reversal) return 'reversed'
  if (decision?.outcome === 'rejected') return 'rejected'
  if (decision) return p.entryId ? 'posted' : 'posting'
  return p.status
}

/** The repeat marker of an answer that repeats a transition already carried out. */
export function repeatOf(row: PurchaseTransitionDoc): NonNullable<PurchaseResult['repeat']> {
  const action = row.outcome === 'approved' ? 'approve' : row.outcome === 'rejected' ? 'reject' : 'reverse'
  return { action, by: row.by, at: new Date(row.at).toISOString() }
}

/** Reads receipts with their transition rows, claims transitions, and keeps the status cache. */
export class PurchaseStatusStore {
  readonly Purchase: Model<PurchaseDoc>
  private readonly Transition: Model<PurchaseTransitionDoc>
  private readonly Fact: Model<PurchaseFactDoc>

  constructor(conn: Connection) {
    this.Purchase = purchaseModel(conn)
    this.Transition = purchaseTransitionModel(conn)
    this.Fact = purchaseFactModel(conn)
  }

  /**
   * Tells the dashboard the receipt joined (its entry is posted) or left (its reversal is posted) the
   * posted purchases (purchase-facts.ts). Written before the cache moves: a crash in between leaves
   * the cache behind, which the sweeper or the next load puts right, never a cache without its fact.
   */
  fact(purchase: FactPurchase, kind: PurchaseFactDoc['kind'], now: Date): Promise<void> {
    return recordPurchaseFact(this.Fact, purchase, kind, now)
  }

  /** The receipt with its rows; a cache that disagrees with the rows is repaired on the way. */
  async load(purchaseId: string): Promise<PurchaseState> {
    // The receipt first: a cache that moved past 'pending_approval' was written after the row that
    // moved it, so the rows read next include that row.
    const purchase = await findById<PurchaseDoc>(this.Purchase, purchaseId)
    const [decision, reversal] = await Promise.all([
      findById<PurchaseTransitionDoc>(this.Transition, decisionId(purchaseId)),
      findById<PurchaseTransitionDoc>(this.Transition, reversalId(purchaseId)),
    ])
    if (!purchase) throw new DomainError('PURCHASE.NOT_FOUND', 'purchase not found')
    const status = derivedStatus(purchase, decision, reversal)
    if (status !== purchase.status) await this.cache(purchaseId, { status })
    return { purchase: { ...purchase, status }, decision, reversal }
  }

  claim(row: PurchaseTransitionDoc): Promise<Claimed<PurchaseTransitionDoc>> {
    return claimTransition(this.Transition, row)
  }

  /** Gives a claimed reversal back when its effect was refused (the member spent the points). */
  async release(row: PurchaseTransitionDoc): Promise<void> {
    await this.Transition.collection.deleteOne({ _id: row._id } as never)
  }

  async cache(purchaseId: string, set: Partial<PurchaseDoc>): Promise<void> {
    await updateById(this.Purchase, purchaseId, { $set: set })
  }

  settled(row: PurchaseTransitionDoc): Promise<void> {
    return markSettled(this.Transition, row._id)
  }

  unsettled(now: Date, graceMs = SETTLE_GRACE_MS): Promise<PurchaseTransitionDoc[]> {
    return unsettled<PurchaseTransitionDoc>(this.Transition, now, graceMs)
  }
}
