import type { Connection } from 'mongoose'
import { bulkInsert } from '../../db/insert-batch'
import { purchaseFactModel, purchaseFactOf } from '../points/purchase-facts'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'

/**
 * Purchases posted before the earn pipeline wrote purchase facts get their posted fact, dated the day
 * they were posted (one pass over the purchases, run once per deploy by `npm run db:migrate`), so the
 * close job's first run puts every past posted purchase into the dashboard's day rows. A reversed
 * purchase needs none (it has no posted fact to cancel); a fact already there is kept.
 */
export async function purchaseFactsBeforeTheDayRows(conn: Connection): Promise<void> {
  type Fields = Pick<
    PurchaseDoc,
    '_id' | 'memberId' | 'storeId' | 'amountFen' | 'points' | 'channel' | 'createdAt' | 'postedAt'
  >
  const posted = await purchaseModel(conn)
    .find(
      { status: 'posted' },
      { memberId: 1, storeId: 1, amountFen: 1, points: 1, channel: 1, createdAt: 1, postedAt: 1 },
    )
    .lean<Fields[]>()
    .exec()
  const facts = posted.map((p) => purchaseFactOf(p, 'posted', new Date(p.postedAt ?? p.createdAt)))
  await bulkInsert(purchaseFactModel(conn), facts)
}
