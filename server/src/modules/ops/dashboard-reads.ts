import type { Connection } from 'mongoose'
import { WITHOUT_HINTS, memberModels, type MemberDoc } from '../members/member.model'
import { JoinedRead } from './joined-read'
import type { PostedPurchase } from './purchase-day-rows'
import { purchaseDays } from './purchase-days'

/**
 * The reads behind the console's dashboard. On FerretDB v1 any find not by `_id` scans the collection,
 * and the dashboard's requests arrive together (the period's KPIs, the period before, the channel mix,
 * and the member insight behind the lifecycle figures): each read here is one per connection, joined
 * by every caller asking while it is under way. Callers narrow the rows themselves and must not change
 * them (they are shared).
 */

/** The fields of a posted purchase the dashboard's figures, its channel mix and the member insight use. */
export type DashboardPurchase = PostedPurchase

const memberReads = new WeakMap<Connection, JoinedRead<MemberDoc[]>>()

/** Every posted purchase, from the purchase day rows and the facts not yet in one (ops/purchase-days.ts). */
export function postedPurchases(conn: Connection): JoinedRead<DashboardPurchase[]> {
  return purchaseDays(conn).posted
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
