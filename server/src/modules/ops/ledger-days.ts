import { trusted, type Connection, type Model } from 'mongoose'
import { addDays, shanghaiDay } from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { ledgerFactModel, type LedgerFactDoc } from '../ledger/ledger-facts'
import {
  dayRow,
  dayRowId,
  entriesOfRow,
  entryOfFact,
  FIRST_DAY_ID,
  ledgerDayModel,
  liabilityChange,
  type KpiLedgerEntry,
  type LedgerDayDoc,
} from './ledger-day-rows'
import { JoinedRead, JoinedRun } from './joined-read'

/**
 * A day is summarised once it ended this long ago: an entry is stamped with the time its posting
 * started, so one still being written across midnight lands before its day is closed.
 */
export const DAY_CLOSE_GRACE_MS = 10 * 60_000

/** The newest day that may have a summary row at `now`. */
export function lastClosedDay(now: Date): string {
  return addDays(shanghaiDay(new Date(now.getTime() - DAY_CLOSE_GRACE_MS)), -1)
}

/** The ledger figures of a range of days and the points outstanding now. */
export interface LedgerRange {
  entries: KpiLedgerEntry[]
  outstanding: number
}

/**
 * The dashboard's view of the ledger without reading the ledger (on FerretDB v1 a full scan of ~1 KB
 * entries, 30 s at 20,000 members). Closed days come from their rows `kpi-day:<day>`, read by `_id`;
 * the days after the last closed one from the facts rows written beside each entry (ledger-facts.ts),
 * a small collection because summarised days' facts are deleted. Rows are inserted in day order by
 * `closeDays` (the `close-kpi-days` job, or the first report that finds the last closed day missing),
 * each carrying the liability at its end, so the liability now is the newest row's plus the open
 * days' change. A row is written by a unique insert: a second process or a rerun that loses the
 * insert continues from the winner's row, so nothing is counted twice.
 */
export class LedgerDays {
  private readonly Day: Model<LedgerDayDoc>
  private readonly Fact: Model<LedgerFactDoc>
  private readonly facts: JoinedRead<LedgerFactDoc[]>
  private readonly closing = new JoinedRun<number>()

  constructor(conn: Connection) {
    this.Day = ledgerDayModel(conn)
    this.Fact = ledgerFactModel(conn)
    this.facts = new JoinedRead(() => this.Fact.find({}).lean<LedgerFactDoc[]>().exec())
  }

  async range(from: string, to: string, now: Date): Promise<LedgerRange> {
    const last = lastClosedDay(now)
    let newest = await this.row(last)
    if (!newest) {
      await this.closeDays(now)
      newest = await this.row(last)
    }
    const closedDays: string[] = []
    for (let d = from; d <= to && d <= last && closedDays.length < 400; d = addDays(d, 1)) closedDays.push(d)
    const [rows, facts] = await Promise.all([Promise.all(closedDays.map((d) => this.row(d))), this.facts.read()])
    // Facts of closed days are in their rows (or, stamped on a day after it closed, not counted).
    const open = facts.filter((f) => f.day > last)
    const entries = rows.flatMap((r) => (r ? entriesOfRow(r) : []))
    for (const f of open) if (f.day >= from && f.day <= to) entries.push(entryOfFact(f))
    return { entries, outstanding: (newest?.liabilityAfter ?? 0) + liabilityChange(open) }
  }

  /** Summarises every closed day without a row, in order; callers arriving meanwhile share the run. */
  closeDays(now: Date): Promise<number> {
    return this.closing.run(() => this.close(lastClosedDay(now), now))
  }

  private row(day: string): Promise<LedgerDayDoc | null> {
    return findById<LedgerDayDoc>(this.Day, dayRowId(day))
  }

  private async close(last: string, now: Date): Promise<number> {
    const facts = await this.Fact.find({ day: trusted({ $lte: last }) })
      .lean<LedgerFactDoc[]>()
      .exec()
    const start = await this.firstDay(facts)
    if (!start) return 0
    const { first, marked } = start
    // The newest row: rows run without a gap from the first day, so probe back from the last closed one
    // (none to find when this run marked the first day).
    let previous: LedgerDayDoc | null = null
    for (let d = last; !marked && d >= first && !previous; d = addDays(d, -1)) previous = await this.row(d)
    const byDay = new Map<string, LedgerFactDoc[]>()
    for (const f of facts) byDay.set(f.day, [...(byDay.get(f.day) ?? []), f])
    let liability = previous?.liabilityAfter ?? 0
    let inserted = 0
    for (let day = previous ? addDays(previous.day, 1) : first; day <= last; day = addDays(day, 1)) {
      const row = dayRow(day, byDay.get(day) ?? [], liability, now)
      if (await insertOnce(this.Day, row as never)) {
        inserted++
        liability = row.liabilityAfter
      } else liability = (await this.row(day))!.liabilityAfter // another process closed it first
    }
    // Summarised days' facts are read no more; one stamped on a closed day after it closed is not counted.
    if (facts.length > 0) await this.Fact.deleteMany({ day: trusted({ $lte: last }) }).exec()
    return inserted
  }

  /** The first day with a row, marked once by the first close that has facts to summarise. */
  private async firstDay(facts: LedgerFactDoc[]): Promise<{ first: string; marked: boolean } | null> {
    const existing = await findById<{ day: string }>(this.Day, FIRST_DAY_ID)
    if (existing) return { first: existing.day, marked: false }
    if (facts.length === 0) return null
    const earliest = facts.reduce((d, f) => (f.day < d ? f.day : d), facts[0]!.day)
    if (await insertOnce(this.Day, { _id: FIRST_DAY_ID, day: earliest })) return { first: earliest, marked: true }
    return { first: (await findById<{ day: string }>(this.Day, FIRST_DAY_ID))!.day, marked: false }
  }
}
