import type { Connection } from 'mongoose'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'
import { JoinedRead } from './joined-read'

/** The fields of a posted purchase the dashboard's figures and its channel mix use. */
export type DashboardPurchase = Pick<
  PurchaseDoc,
  'memberId' | 'storeId' | 'amountFen' | 'createdAt' | 'channel' | 'points'
>

const reads = new WeakMap<Connection, JoinedRead<DashboardPurchase[]>>()

/**
 * Every posted purchase, narrowed to a range and store by the caller (on FerretDB v1 the scan costs the
 * same either way). One read per connection, joined by every report asking while it is under way: the
 * dashboard's two KPI reports and its channel mix arrive together and share one scan of `purchases`.
 */
export function postedPurchases(conn: Connection): JoinedRead<DashboardPurchase[]> {
  let read = reads.get(conn)
  if (!read) {
    const Purchase = purchaseModel(conn)
    const fields = { memberId: 1, storeId: 1, amountFen: 1, createdAt: 1, channel: 1, points: 1 }
    read = new JoinedRead(() => Purchase.find({ status: 'posted' }, fields).lean<DashboardPurchase[]>().exec())
    reads.set(conn, read)
  }
  return read
}
