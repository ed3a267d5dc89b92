import { Schema, type Connection, type Model } from 'mongoose'
import { AppendChain } from './append-chain'
import { findById, updateById } from './by-id'
import { getModel, insertOnce } from './connect'

/**
 * A capped amount handed out purchase by purchase (a double-points day's bonus budget per period, a
 * member's points per day), as an append-only chain per key (db/append-chain.ts): row `<key>#<n>` holds
 * the running total after it. Two purchases racing for the same `n` collide on insert and the loser
 * probes to the new head, so the total can never pass the cap (a read-check-write counter on FerretDB
 * could). A marker `<key>@<purchase>` makes a purchase's reservation idempotent across retries and crash
 * recovery.
 */
interface BudgetRowDoc {
  _id: string
  key: string
  n: number
  purchaseId: string
  /** amount reserved (negative: a reservation given back) */
  bonus: number
  usedAfter: number
  at: Date
}
interface BudgetMarkerDoc {
  _id: string
  n: number
  bonus: number
}
interface BudgetHintDoc {
  _id: string
  n: number
}

const rowSchema = (collection: string) =>
  new Schema<BudgetRowDoc>(
    { _id: String, key: String, n: Number, purchaseId: String, bonus: Number, usedAfter: Number, at: Date },
    { versionKey: false, collection },
  )
const markerSchema = (collection: string) =>
  new Schema<BudgetMarkerDoc>({ _id: String, n: Number, bonus: Number }, { versionKey: false, collection })
const hintSchema = (collection: string) =>
  new Schema<BudgetHintDoc>({ _id: String, n: Number }, { versionKey: false, collection })

const rowId = (key: string, n: number) => `${key}#${n}`
// The stored head hint only saves a cold process from walking the chain; refreshing it now and then is enough.
const HINT_EVERY = 16
// Chains (budget periods, members' days) whose head this process keeps; bounded so memory stays flat.
const HEAD_CACHE_SIZE = 50_000

/** Where a chain's rows live: `<name>` (rows), `<name>_markers`, `<name>_hints`; `model` names the mongoose models. */
export interface BudgetChainStore {
  collection: string
  model: string
}

export class BudgetChain {
  private readonly Marker: Model<BudgetMarkerDoc>
  /** each key's reservations; a head's value is the amount used after it */
  private readonly chain: AppendChain<BudgetRowDoc, number>

  constructor(conn: Connection, store: BudgetChainStore) {
    const Row = getModel(conn, `${store.model}Row`, rowSchema(store.collection))
    const Hint = getModel(conn, `${store.model}Hint`, hintSchema(`${store.collection}_hints`))
    this.Marker = getModel(conn, `${store.model}Marker`, markerSchema(`${store.collection}_markers`))
    this.chain = new AppendChain<BudgetRowDoc, number>({
      model: Row,
      rowId,
      value: (row) => row.usedAfter,
      empty: 0,
      cacheSize: HEAD_CACHE_SIZE,
      hints: {
        // The hint names a row; the amount used is on the row.
        read: async (key) => {
          const n = (await findById<BudgetHintDoc>(Hint, key))?.n ?? 0
          const row = n > 0 ? await findById<BudgetRowDoc>(Row, rowId(key, n)) : null
          return row && { n: row.n, value: row.usedAfter }
        },
        write: (key, head) => updateById(Hint, key, { $max: { n: head.n } }, { upsert: true }).then(() => undefined),
        every: HINT_EVERY,
      },
    })
  }

  /**
   * Reserves up to `desired` of `cap` for a purchase; returns what it may have (0 when the cap is
   * used up). With `whole`, all of `desired` or nothing (a lottery prize cannot be given in part).
   * Repeats for the same purchase return the first answer.
   */
  async reserve(
    key: string,
    cap: number,
    purchaseId: string,
    desired: number,
    now: Date,
    whole = false,
  ): Promise<number> {
    if (desired <= 0) return 0
    const markerId = `${key}@${purchaseId}`
    const earlier = await this.Marker.findById(markerId).lean<BudgetMarkerDoc>().exec()
    if (earlier) return earlier.bonus
    const row = await this.append(key, purchaseId, now, (used) =>
      whole ? (cap - used >= desired ? desired : 0) : Math.min(desired, Math.max(0, cap - used)),
    )
    if (!row) return 0
    if (await insertOnce(this.Marker, { _id: markerId, n: row.n, bonus: row.bonus })) return row.bonus
    // A concurrent retry of this purchase reserved first: give ours back so the budget stays whole.
    const winner = (await this.Marker.findById(markerId).lean<BudgetMarkerDoc>().exec())!
    await this.append(key, purchaseId, now, () => -row.bonus)
    return winner.bonus
  }

  /** The amount used in a chain, read afresh (another process may have appended). */
  async used(key: string): Promise<number> {
    return (await this.chain.head(key)).value
  }

  /** What this process last saw, without a round trip when it has seen the chain (purchase hot path). */
  knownUsed(key: string): number | null {
    return this.chain.known(key)?.value ?? null
  }

  /** Appends `amount(used)` (nothing when it is 0) on the chain's head. */
  private async append(
    key: string,
    purchaseId: string,
    now: Date,
    amount: (used: number) => number,
  ): Promise<BudgetRowDoc | null> {
    const appended = await this.chain.append(key, (head) => {
      const bonus = amount(head.value)
      if (bonus === 0) return null
      return { key, n: head.n + 1, purchaseId, bonus, usedAfter: head.value + bonus, at: now }
    })
    return appended?.row ?? null
  }
}
