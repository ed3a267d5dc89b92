import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from './ledger.service'

/**
 * Something a member buys with points (a coupon, a make-up card) is a saga: the item is first
 * written as pending, then the price is debited with a ledger key unique to this purchase, then
 * the item is activated. A refused debit, or a crash, is finished or compensated here, so the
 * member never pays without the item nor gets it without paying.
 */
export interface PaidItem {
  memberId: string
  /** the ledger event key of this purchase (unique per attempt) */
  paymentKey: string
  points: number
  type: string
  meta: Record<string, unknown>
  activate: () => Promise<void>
  /** delete the pending item (only called once the payment key is fenced) */
  release: () => Promise<void>
}

export async function payForItem(ledger: LedgerService, item: PaidItem, now: Date): Promise<void> {
  try {
    await ledger.post({
      memberId: item.memberId,
      eventKey: item.paymentKey,
      type: item.type,
      now,
      plan: { op: { kind: 'debit', points: item.points }, meta: item.meta },
      fenceable: true, // a crash may leave the item pending; its compensation fences this key
    })
  } catch (err) {
    if (err instanceof DomainError) await compensate(ledger, item, now)
    throw err
  }
  await item.activate()
}

/** Fences the payment key so it can never post, then releases the item (also after a crash in between). */
export async function compensate(ledger: LedgerService, item: PaidItem, now: Date): Promise<boolean> {
  if (!(await ledger.fence(item.paymentKey, now)) && !(await ledger.isFenced(item.paymentKey))) return false
  await item.release()
  return true
}

/** For an item left pending by a crash: paid → activate; never started → release; stuck → finish paying. */
export async function settleStaleItem(
  ledger: LedgerService,
  item: PaidItem,
  now: Date,
): Promise<'activated' | 'released' | 'unsettled'> {
  if (await ledger.findByEventKey(item.paymentKey)) {
    await item.activate()
    return 'activated'
  }
  if (await compensate(ledger, item, now)) return 'released'
  return payForItem(ledger, item, now).then(
    () => 'activated' as const,
    () => 'unsettled' as const,
  )
}
