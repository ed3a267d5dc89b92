import type { Connection } from 'mongoose'
import { WITHOUT_HINTS, memberModels, type MemberDoc } from '../members/member.model'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'
import { JoinedRead } from './joined-read'

/**
 * The whole-collection reads behind the console's dashboard. On FerretDB v1 any find not by `_id` scans
 * the collection, and the dashboard's requests arrive together (the period's KPIs, the period before,
 * the channel mix, and the member insight behind the lifecycle figures): each read here is one per
 * connection, joined by every caller asking while it is under way, so each collection is scanned once
 * per dashboard load. Callers narrow the rows themselves and must not change them (they are shared).
 */

/** The fields of a posted purchase the dashboard's figures, its channel mix and the member insight use. */
export type DashboardPurchase = Pick<
  PurchaseDoc,
  'memberId' | 'storeId' | 'amountFen' | 'createdAt' | 'channel' | 'points'
>

const purchaseReads = new WeakMap<Connection, JoinedRead<DashboardPurchase[]>>()
const memberReads = new WeakMap<Connection, JoinedRead<MemberDoc[]>>()

/** Every posted purchase. */
export function postedPurchases(conn: Connection): JoinedRead<DashboardPurchase[]> {
  let read = purchaseReads.get(conn)
  if (!read) {
    const Purchase = purchaseModel(conn)
    const fields = { memberId: 1, storeId: 1, amountFen: 1, createdAt: 1, channel: 1, points: 1 }
    read = new JoinedRead(() => Purchase.find({ status: 'posted' }, fields).lean<DashboardPurchase[]>().exec())
    purchaseReads.set(conn, read)
  }
  return read
}

/** Every member row, without the wallet and coupon-book hints. */
export function memberRows(conn: Connection): JoinedRead<MemberDoc[]> {
  let read = memberReads.get(conn)
  if (!read) {
    const { Member } = memberModels(conn)
    read = new JoinedRead(() => Member.find({}, WITHOUT_HINTS).lean<MemberDoc[]>().exec())
    memberReads.set(conn, read)
  }
  return read
}
