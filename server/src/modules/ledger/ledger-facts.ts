import { Schema, type Connection, type Model } from 'mongoose'
import { shanghaiDay } from '@mall/shared'
import { getModel, insertOnce } from '../../db/connect'
import type { LedgerEntryDoc } from './ledger.model'

/**
 * What one ledger entry tells the operator dashboard, in a small row of its own written beside the
 * entry (`_id` = the entry's `_id`, so a replayed posting writes the same row once). The dashboard
 * reads these only for the days not yet summarised (today and the minutes after midnight); once a
 * day's summary row exists (ops/ledger-days.ts) its facts are deleted, so reading them stays small
 * on a database that scans a collection for any filter but `_id`.
 */
export interface LedgerFactDoc {
  _id: string
  /** the Shanghai day the entry counts for: the day it was posted */
  day: string
  memberId: string
  seq: number
  type: string
  delta: number
  /** the member's balance after the entry */
  balance: number
  /** a purchase entry's tier before and after it (an immediate upgrade), else null */
  tierBefore: number | null
  tierAfter: number | null
}

const schema = new Schema<LedgerFactDoc>(
  {
    _id: String,
    day: String,
    memberId: String,
    seq: Number,
    type: String,
    delta: Number,
    balance: Number,
    tierBefore: Number,
    tierAfter: Number,
  },
  { versionKey: false, collection: 'kpi_ledger_facts' },
)

export const ledgerFactModel = (conn: Connection): Model<LedgerFactDoc> => getModel(conn, 'LedgerFact', schema)

const level = (v: unknown): number | null => (typeof v === 'number' ? v : null)

export function ledgerFactOf(
  entry: Pick<LedgerEntryDoc, '_id' | 'memberId' | 'seq' | 'type' | 'delta' | 'state' | 'meta' | 'createdAt'>,
): LedgerFactDoc {
  return {
    _id: entry._id,
    day: shanghaiDay(new Date(entry.createdAt)),
    memberId: entry.memberId,
    seq: entry.seq,
    type: entry.type,
    delta: entry.delta,
    balance: entry.state.balance,
    tierBefore: level(entry.meta?.tierLevelBefore),
    tierAfter: level(entry.meta?.tierLevelAfter),
  }
}

/** Writes an entry's fact row; a second write of the same entry (a replay) changes nothing. */
export async function recordLedgerFact(model: Model<LedgerFactDoc>, entry: LedgerEntryDoc): Promise<void> {
  await insertOnce(model, ledgerFactOf(entry) as never)
}
