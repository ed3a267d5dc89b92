import { trusted, type Connection } from 'mongoose'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { bulkInsert } from '../../db/insert-batch'
import { ledgerFactModel, type LedgerFactDoc } from '../../modules/ledger/ledger-facts'
import { dayRows, FIRST_DAY_ID, ledgerDayModel, type DayFact } from '../../modules/ops/ledger-day-rows'
import { lastClosedDay } from '../../modules/ops/ledger-days'
import { addDays } from '@mall/shared'

/**
 * The dashboard's day rows for the seeded year (ops/ledger-days.ts), worked out from the entries the
 * seed wrote (in memory) and the facts the services wrote meanwhile (the hand-made accounts, the
 * coupon activity), as the close job would have; the open days' facts are stored for the report to
 * read. Without this the first dashboard load would find no rows and summarise the year itself.
 * A database whose dashboard already closed days gets the facts only, for the close job.
 */
export async function seedLedgerDays(conn: Connection, facts: LedgerFactDoc[], now: Date): Promise<number> {
  const Day = ledgerDayModel(conn)
  const Fact = ledgerFactModel(conn)
  if (await findById(Day, FIRST_DAY_ID)) return bulkInsert(Fact, facts)
  const last = lastClosedDay(now)
  const stored = await Fact.find({ day: trusted({ $lte: last }) })
    .lean<LedgerFactDoc[]>()
    .exec()
  const byDay = new Map<string, DayFact[]>()
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
  const days: string[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d)
  const rows = await bulkInsert(Day, dayRows(days, byDay, 0, now), 50)
  await insertOnce(Day, { _id: FIRST_DAY_ID, day: first })
  await Fact.deleteMany({ day: trusted({ $lte: last }) }).exec()
  return rows
}
