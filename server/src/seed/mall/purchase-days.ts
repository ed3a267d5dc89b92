import { trusted, type Connection } from 'mongoose'
import { addDays } from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { bulkInsert } from '../../db/insert-batch'
import { purchaseFactModel, type PurchaseFactDoc } from '../../modules/points/purchase-facts'
import { FIRST_PURCHASE_DAY_ID, purchaseDayModel, purchaseDayRow } from '../../modules/ops/purchase-day-rows'
import { lastClosedDay } from '../../modules/ops/ledger-days'

/**
 * The dashboard's purchase day rows for the seeded year (ops/purchase-days.ts), from the posted facts of
 * the purchases the seed wrote (in memory) and the facts the services wrote meanwhile (the hand-made
 * accounts), as the close job would have; the open days' facts are stored for the reports to read.
 * Without this the first close would read the year's facts and write every row itself. A database
 * whose dashboard already closed days gets the facts only, for the close job.
 */
export async function seedPurchaseDays(conn: Connection, facts: PurchaseFactDoc[], now: Date): Promise<number> {
  const Day = purchaseDayModel(conn)
  const Fact = purchaseFactModel(conn)
  if (await findById(Day, FIRST_PURCHASE_DAY_ID)) return bulkInsert(Fact, facts)
  const last = lastClosedDay(now)
  const stored = await Fact.find({ day: trusted({ $lte: last }) })
    .lean<PurchaseFactDoc[]>()
    .exec()
  const byDay = new Map<string, PurchaseFactDoc[]>()
  let first: string | null = null
  for (const f of [...facts, ...stored]) {
    if (f.day > last) continue
    byDay.set(f.day, [...(byDay.get(f.day) ?? []), f])
    if (first === null || f.day < first) first = f.day
  }
  await bulkInsert(
    Fact,
    facts.filter((f) => f.day > last),
  )
  if (first === null) return 0
  const rows = []
  for (let d = first; d <= last; d = addDays(d, 1)) rows.push(purchaseDayRow(d, byDay.get(d) ?? [], now))
  const inserted = await bulkInsert(Day, rows, 50)
  await insertOnce(Day, { _id: FIRST_PURCHASE_DAY_ID, day: first, at: now })
  if (stored.length > 0) await Fact.deleteMany({ _id: trusted({ $in: stored.map((f) => f._id) }) }).exec()
  return inserted
}
