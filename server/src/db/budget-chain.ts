import { Schema, type Connection, type Model } from 'mongoose'
import { getModel, insertOnce } from './connect'

/**
 * A capped amount handed out purchase by purchase (a double-points day's bonus budget per period, a
 * member's points per day), as an append-only chain per key: row `<key>#<n>` holds the running total
 * after it. Two purchases racing for the same `n` collide on insert and the loser re-reads the new
 * head, so the total can never pass the cap (a read-check-write counter on FerretDB could). A marker
 * `<key>@<purchase>` makes a purchase's reservation idempotent across retries and crash recovery.
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

type Head = { n: number; used: number }
const rowId = (key: string, n: number) => `${key}#${n}`
// The stored head hint only saves a cold process from walking the chain; refreshing it now and then is enough.
const HINT_EVERY = 16

/** Where a chain's rows live: `<name>` (rows), `<name>_markers`, `<name>_hints`; `model` names the mongoose models. */
export interface BudgetChainStore {
  collection: string
  model: string
}

export class BudgetChain {
  private readonly Row: Model<BudgetRowDoc>
  private readonly Marker: Model<BudgetMarkerDoc>
  private readonly Hint: Model<BudgetHintDoc>
  /** last head this process saw per chain; appends start there and move on when they collide */
  private readonly heads = new Map<string, Head>()

  constructor(conn: Connection, store: BudgetChainStore) {
    this.Row = getModel(conn, `${store.model}Row`, rowSchema(store.collection))
    this.Marker = getModel(conn, `${store.model}Marker`, markerSchema(`${store.collection}_markers`))
    this.Hint = getModel(conn, `${store.model}Hint`, hintSchema(`${store.collection}_hints`))
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
    let head = await this.cachedHead(key)
    for (;;) {
      const next = await this.Row.findById(rowId(key, head.n + 1))
        .lean<BudgetRowDoc>()
        .exec()
      if (!next) break
      head = { n: next.n, used: next.usedAfter }
    }
    this.heads.set(key, head)
    return head.used
  }

  /** What this process last saw, without a round trip when it has seen the chain (purchase hot path). */
  knownUsed(key: string): number | null {
    return this.heads.get(key)?.used ?? null
  }

  private async append(
    key: string,
    purchaseId: string,
    now: Date,
    amount: (used: number) => number,
  ): Promise<BudgetRowDoc | null> {
    let head = await this.cachedHead(key)
    for (;;) {
      const bonus = amount(head.used)
      if (bonus === 0) return null
      const row: BudgetRowDoc = {
        _id: rowId(key, head.n + 1),
        key,
        n: head.n + 1,
        purchaseId,
        bonus,
        usedAfter: head.used + bonus,
        at: now,
      }
      if (await insertOnce(this.Row, row as never)) {
        this.heads.set(key, { n: row.n, used: row.usedAfter })
        if (row.n % HINT_EVERY === 0)
          void this.Hint.updateOne({ _id: key }, { $max: { n: row.n } }, { upsert: true })
            .exec()
            .catch(() => undefined)
        return row
      }
      const taken = (await this.Row.findById(row._id).lean<BudgetRowDoc>().exec())!
      head = { n: taken.n, used: taken.usedAfter }
    }
  }

  private async cachedHead(key: string): Promise<Head> {
    const known = this.heads.get(key)
    if (known) return known
    const hint = (await this.Hint.findById(key).lean<BudgetHintDoc>().exec())?.n ?? 0
    const row = hint > 0 ? await this.Row.findById(rowId(key, hint)).lean<BudgetRowDoc>().exec() : null
    return row ? { n: row.n, used: row.usedAfter } : { n: 0, used: 0 }
  }
}
