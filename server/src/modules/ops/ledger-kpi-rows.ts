import type { Connection } from 'mongoose'
import { ledgerModels, type LedgerEntryDoc } from '../ledger/ledger.model'

/** The fields of a ledger entry the dashboard's figures use. */
export type LedgerKpiRow = Pick<LedgerEntryDoc, 'memberId' | 'seq' | 'type' | 'delta' | 'createdAt'> & {
  state: { balance: number }
  meta?: { tierLevelBefore?: number; tierLevelAfter?: number }
}

const FIELDS = {
  memberId: 1,
  seq: 1,
  type: 1,
  delta: 1,
  createdAt: 1,
  'state.balance': 1,
  'meta.tierLevelBefore': 1,
  'meta.tierLevelAfter': 1,
}

/**
 * The ledger as the dashboard reads it: one pass over every entry with a narrow projection, from
 * which the range figures, the tier movement and the points liability are all worked out. FerretDB v1
 * scans the whole collection for any filter other than `_id`, so three filtered finds cost three
 * scans; one unfiltered find costs one. A read asked for while another is under way joins it (the
 * dashboard asks for its period and the period before at once), so both see the same ledger.
 */
export class LedgerKpiRows {
  private inFlight: Promise<LedgerKpiRow[]> | null = null

  constructor(private readonly conn: Connection) {}

  read(): Promise<LedgerKpiRow[]> {
    if (this.inFlight) return this.inFlight
    const reading = ledgerModels(this.conn)
      .Entry.find({}, FIELDS)
      .lean<LedgerKpiRow[]>()
      .exec()
      .finally(() => {
        if (this.inFlight === reading) this.inFlight = null
      })
    this.inFlight = reading
    return reading
  }
}

/** Entries created in `[range.$gte, range.$lt)`. */
export function entriesIn(rows: LedgerKpiRow[], range: { $gte: Date; $lt: Date }): LedgerKpiRow[] {
  const from = range.$gte.getTime()
  const to = range.$lt.getTime()
  return rows.filter((r) => {
    const at = new Date(r.createdAt).getTime()
    return at >= from && at < to
  })
}

/** Points outstanding: the sum of every member's newest balance (a negative balance counts as 0). */
export function outstandingPoints(rows: LedgerKpiRow[]): number {
  const newest = new Map<string, { seq: number; balance: number }>()
  for (const r of rows)
    if ((newest.get(r.memberId)?.seq ?? 0) < r.seq) newest.set(r.memberId, { seq: r.seq, balance: r.state.balance })
  let total = 0
  for (const { balance } of newest.values()) total += Math.max(0, balance)
  return total
}
