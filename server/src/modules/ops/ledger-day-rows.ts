import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'
import type { LedgerFactDoc } from '../ledger/ledger-facts'

/**
 * A summarised day's entries, one column per field (FerretDB v1 stores no arrays of arrays, and
 * columns are smaller than an object per entry): entry i is `memberId[i]`, `type[i]`, …
 */
export interface DayEntries {
  memberId: string[]
  type: string[]
  delta: number[]
  tierBefore: (number | null)[]
  tierAfter: (number | null)[]
}

/**
 * A closed Shanghai day of the ledger as the dashboard reads it, `_id` = `kpi-day:<yyyy-mm-dd>`,
 * inserted once and never changed (ops/ledger-days.ts). The marker row `kpi-days:first` names the
 * first day summarised (rows run without a gap from it).
 */
export interface LedgerDayDoc {
  _id: string
  day: string
  entries: DayEntries
  /** Σ over the day's members of max(0, balance after their last entry) − max(0, balance before their first) */
  liabilityChange: number
  /** points outstanding at the end of the day: the day before's plus this day's change */
  liabilityAfter: number
  closedAt: Date
}

const schema = new Schema<LedgerDayDoc>(
  {
    _id: String,
    day: String,
    entries: Schema.Types.Mixed,
    liabilityChange: Number,
    liabilityAfter: Number,
    closedAt: Date,
  },
  { versionKey: false, collection: 'kpi_ledger_days' },
)

export const ledgerDayModel = (conn: Connection): Model<LedgerDayDoc> => getModel(conn, 'LedgerDay', schema)

export const dayRowId = (day: string) => `kpi-day:${day}`
export const FIRST_DAY_ID = 'kpi-days:first'

/** The figures of a fact the summaries keep (any fact row or in-memory equivalent). */
export type DayFact = Pick<
  LedgerFactDoc,
  'memberId' | 'seq' | 'type' | 'delta' | 'balance' | 'tierBefore' | 'tierAfter'
>

/** A ledger entry as the dashboard's figures use it, from a day row or a fact. */
export interface KpiLedgerEntry {
  day: string
  memberId: string
  type: string
  delta: number
  tierBefore: number | null
  tierAfter: number | null
}

/**
 * How the points outstanding (Σ over members of max(0, newest balance)) move with these entries: each
 * entry replaces its member's balance before it (its balance less its delta) by the balance after it.
 * Summed over all of a member's entries this is max(0, newest balance), whatever day each entry was
 * counted on, so the days' changes add up to the liability even where a member's seq order and
 * posting times disagree.
 */
export function liabilityChange(facts: Pick<DayFact, 'delta' | 'balance'>[]): number {
  let change = 0
  for (const f of facts) change += Math.max(0, f.balance) - Math.max(0, f.balance - f.delta)
  return change
}

/** The immutable row of a closed day from its facts and the liability at the end of the day before. */
export function dayRow(day: string, facts: DayFact[], liabilityBefore: number, closedAt: Date): LedgerDayDoc {
  const sorted = [...facts].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : a.seq - b.seq))
  const change = liabilityChange(sorted)
  return {
    _id: dayRowId(day),
    day,
    entries: {
      memberId: sorted.map((f) => f.memberId),
      type: sorted.map((f) => f.type),
      delta: sorted.map((f) => f.delta),
      tierBefore: sorted.map((f) => f.tierBefore),
      tierAfter: sorted.map((f) => f.tierAfter),
    },
    liabilityChange: change,
    liabilityAfter: liabilityBefore + change,
    closedAt,
  }
}

/** Rows for `days` in order, chained from `liabilityBefore` (the day before the first's liability). */
export function dayRows(
  days: string[],
  factsByDay: Map<string, DayFact[]>,
  liabilityBefore: number,
  closedAt: Date,
): LedgerDayDoc[] {
  let liability = liabilityBefore
  return days.map((day) => {
    const row = dayRow(day, factsByDay.get(day) ?? [], liability, closedAt)
    liability = row.liabilityAfter
    return row
  })
}

export function entriesOfRow(row: Pick<LedgerDayDoc, 'day' | 'entries'>): KpiLedgerEntry[] {
  const e = row.entries
  return e.memberId.map((memberId, i) => ({
    day: row.day,
    memberId,
    type: e.type[i]!,
    delta: e.delta[i]!,
    tierBefore: e.tierBefore[i] ?? null,
    tierAfter: e.tierAfter[i] ?? null,
  }))
}

export function entryOfFact(f: DayFact & { day: string }): KpiLedgerEntry {
  return {
    day: f.day,
    memberId: f.memberId,
    type: f.type,
    delta: f.delta,
    tierBefore: f.tierBefore,
    tierAfter: f.tierAfter,
  }
}
