import { trusted, type Model } from 'mongoose'
import { addDays } from '@mall/shared'
import { findById, type AnyModel } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { bulkInsert } from '../../db/insert-batch'
import { lastClosedDay } from '../../modules/ops/ledger-days'

/** What seeding one kind of the dashboard's day rows needs (the ledger's, the purchases'). */
export interface DayRowsSeed<F extends { _id: string; day: string }> {
  Day: AnyModel
  Fact: Model<F>
  /** the row that says which day the rows start on; its presence means the rows were written */
  firstId: string
  firstRow: (first: string) => Record<string, unknown>
  /** the facts of what the seed wrote in bulk (kept in memory, not stored yet) */
  facts: F[]
  /** the closed days' rows, in day order, from their facts */
  rows: (days: string[], factsByDay: Map<string, F[]>) => object[]
}

/**
 * The dashboard's day rows for the seeded year, from the facts of what the seed wrote (in memory) and the
 * facts the services wrote meanwhile (the hand-made accounts), as the close job would have written them;
 * the open days' facts are stored for the reports to read. Without this the first close (or report) would
 * read the year's facts and write every row itself. A database whose rows were written already gets the
 * facts only, for the close job. The stored facts a row now holds are deleted by `_id` (one written
 * meanwhile stays for the close job).
 */
export async function seedDayRows<F extends { _id: string; day: string }>(
  s: DayRowsSeed<F>,
  now: Date,
): Promise<number> {
  if (await findById(s.Day, s.firstId)) return bulkInsert(s.Fact, s.facts)
  const last = lastClosedDay(now)
  const stored = await s.Fact.find({ day: trusted({ $lte: last }) })
    .lean<F[]>()
    .exec()
  const byDay = new Map<string, F[]>()
  let first: string | null = null
  for (const f of [...s.facts, ...stored]) {
    if (f.day > last) continue
    byDay.set(f.day, [...(byDay.get(f.day) ?? []), f])
    if (first === null || f.day < first) first = f.day
  }
  await bulkInsert(
    s.Fact,
    s.facts.filter((f) => f.day > last),
  )
  if (first === null) return 0
  const days: string[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d)
  const inserted = await bulkInsert(s.Day, s.rows(days, byDay), 50)
  await insertOnce(s.Day, { _id: s.firstId, ...s.firstRow(first) })
  if (stored.length > 0) await s.Fact.deleteMany({ _id: trusted({ $in: stored.map((f) => f._id) }) }).exec()
  return inserted
}
