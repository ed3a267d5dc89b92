import { Schema, type Connection, type Model } from 'mongoose'
import type { GrowthChange, WalletOperation, WalletState } from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * One immutable ledger entry. `_id` = `<memberId>:<seq>`: two writers racing for the same seq
 * collide on insert and the loser retries on the new head. `eventKey` (unique) is the business
 * event that caused it, so an event can never be posted twice. `state` is the wallet after it.
 */
export interface LedgerEntryDoc {
  _id: string
  memberId: string
  seq: number
  eventKey: string
  type: string
  op: WalletOperation
  growth: GrowthChange
  delta: number
  state: WalletState
  /** Display and audit details: store, receipt, staff, reason, rule version… */
  meta: Record<string, unknown>
  createdAt: Date
}

/**
 * Reservation of a fenceable business event key (a payment for an item). Inserted before the
 * entry so concurrent retries wait for one writer and a saga's compensation can fence the key;
 * `entryId` is filled in once posted. Other postings have no row here: the entry's unique
 * `eventKey` alone makes them once-only.
 */
export interface LedgerEventDoc {
  _id: string
  memberId: string
  entryId: string | null
  createdAt: Date
}

const entrySchema = new Schema<LedgerEntryDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    seq: { type: Number, required: true },
    eventKey: { type: String, required: true, unique: true },
    type: { type: String, required: true },
    op: { type: Schema.Types.Mixed, required: true },
    growth: { type: Schema.Types.Mixed, default: {} },
    delta: { type: Number, required: true },
    state: { type: Schema.Types.Mixed, required: true },
    meta: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'ledger_entries', minimize: false },
)
entrySchema.index({ memberId: 1, seq: -1 })

const eventSchema = new Schema<LedgerEventDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    entryId: { type: String, default: null },
    createdAt: Date,
  },
  { versionKey: false, collection: 'ledger_events' },
)

export interface LedgerModels {
  Entry: Model<LedgerEntryDoc>
  Event: Model<LedgerEventDoc>
}

export function ledgerModels(conn: Connection): LedgerModels {
  return {
    Entry: getModel(conn, 'LedgerEntry', entrySchema),
    Event: getModel(conn, 'LedgerEvent', eventSchema),
  }
}

export const entryId = (memberId: string, seq: number) => `${memberId}:${seq}`
