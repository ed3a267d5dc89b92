import { existsById, findById, type AnyModel, type RowKey } from './by-id'
import { insertOnce } from './connect'
import { DomainError } from '../errors/domain-error'
import { sleep } from '../lib/keyed-mutex'
import { RecentMap } from '../lib/recent-map'

/**
 * An append-only chain of numbered rows per key (a wallet's ledger entries, a member's coupon book, a
 * budget's reservations, a till's leases, a ticket's changes): row n of chain `key` has the
 * deterministic `_id` `rowId(key, n)`, n = 1, 2, 3… without gaps. Appending is the insert of row
 * head + 1, so of writers racing for a number the unique `_id` lets exactly one have it and the chain
 * can neither fork nor count anything twice; the loser probes to the new head and tries again. No
 * read-check-write anywhere (docs/architecture.md, "Unique inserts"; the embedded FerretDB would lose
 * a counter's concurrent `$inc`s).
 *
 * Nothing has to be read before an append: it starts from the newest head this process saw (a bounded
 * cache) or a stored hint, either of which may lag, and a lagging start costs a collision, never a
 * wrong row. A hint must never lead: a row written past the real head would leave a gap that readers
 * stop at. So hints are only ever written from rows that exist, and readers probe forward from them.
 */
export interface ChainHead<V> {
  /** the number of the newest row (0: the chain is empty) */
  n: number
  /** what the chain holds after that row (a balance, an amount used); null for chains that only count */
  value: V
}

/**
 * Where a chain's head is stored for processes that have not seen it (a member row, a hints collection).
 * `read` may answer with a head behind the chain's, never one ahead of it.
 */
export interface ChainHints<V> {
  read(key: string): Promise<ChainHead<V> | null>
  /** Stores a head the chain reached; may lose a race with another write (the hint then lags). */
  write?(key: string, head: ChainHead<V>): Promise<void>
  /** the head is stored with rows n where n % every === phase (and by a reader that walked `every` rows) */
  every?: number
  phase?: number
  /** whether an append waits for the hint write; otherwise it is sent and a failure ignored */
  awaited?: boolean
}

export interface ChainSpec<R extends { _id: RowKey }, V> {
  model: AnyModel
  /** `_id` of row `n` of chain `key` */
  rowId: (key: string, n: number) => R['_id']
  /**
   * What the chain holds after `row`. Without it the chain only counts: a probe checks that rows
   * exist, and an append that collides tries the next number without reading the row that won.
   */
  value?: (row: R) => V
  /** the value of an empty chain */
  empty?: V
  hints?: ChainHints<V>
  /** heads of this many recently used chains are kept in memory (0: none) */
  cacheSize?: number
}

export interface AppendOptions<R, V> {
  /** where to start instead of `start(key)`: a head the caller holds (it may lag, it must not lead) */
  from?: ChainHead<V>
  /** without `from`: a head the caller was handed, passed to `start(key, given)` (the newer one wins) */
  given?: ChainHead<V>
  /**
   * Errors `build` throws that only stand on a verified head (one just probed to): thrown on a head
   * from a cache or hint, they make the append probe and build again (a lagging head may miss a credit).
   */
  isRefusal?: (err: unknown) => boolean
  /**
   * After a duplicate key: `taken` is the row that holds the number (null when another unique key of the
   * row collided). A row returned here ends the append as a replay (the row was appended before).
   */
  onDuplicate?: (taken: R | null, attempted: R) => Promise<R | null>
  /** the caller's own writes after its row, sent alongside the hint write */
  after?: (row: R) => Promise<unknown>
}

export interface Appended<R> {
  row: R
  /** true when `onDuplicate` found the row appended before */
  replayed: boolean
}

// A writer that keeps losing backs off a little; this many collisions in a row means something is wrong.
const MAX_ATTEMPTS = 200

export class AppendChain<R extends { _id: RowKey }, V = null> {
  readonly rowId: (key: string, n: number) => R['_id']
  private readonly model: AnyModel
  private readonly valueOf: ((row: R) => V) | undefined
  private readonly emptyHead: ChainHead<V>
  private readonly hints: ChainHints<V> | undefined
  private readonly heads: RecentMap<string, ChainHead<V>> | null

  constructor(spec: ChainSpec<R, V>) {
    this.model = spec.model
    this.rowId = spec.rowId
    this.valueOf = spec.value
    this.emptyHead = { n: 0, value: (spec.empty ?? null) as V }
    this.hints = spec.hints
    this.heads = spec.cacheSize ? new RecentMap(spec.cacheSize) : null
  }

  /** The newest head this process saw, without a round trip (it may lag other processes). */
  known(key: string): ChainHead<V> | undefined {
    return this.heads?.get(key)
  }

  /** Keeps `head` as the newest seen, unless a newer one is known. */
  remember(key: string, head: ChainHead<V>): void {
    const known = this.heads?.get(key)
    if (!known || known.n < head.n) this.heads?.set(key, head)
  }

  /**
   * Where a read or an append starts: the newer of this process's head and `given` (a head the caller
   * has: read from a stored hint anyway, or handed back by a client), else the stored hint, else empty.
   * `given: null` says the caller read the hint and there was none.
   */
  async start(key: string, given?: ChainHead<V> | null): Promise<ChainHead<V>> {
    const known = this.known(key)
    if (given && (!known || given.n > known.n)) return given
    if (known) return known
    const stored = given !== undefined ? given : await this.hints?.read(key)
    return stored ?? this.emptyHead
  }

  /** Row `n` of the chain, or null. */
  row(key: string, n: number): Promise<R | null> {
    return findById<R>(this.model, this.rowId(key, n))
  }

  /** The head from `from` on: the next rows are read by `_id` until one is missing. */
  async probe(key: string, from: ChainHead<V>): Promise<ChainHead<V>> {
    if (!this.valueOf) {
      const n = await probeForward(from.n, (k) => existsById(this.model, this.rowId(key, k)))
      return n === from.n ? from : { n, value: this.emptyHead.value }
    }
    let head = from
    for (;;) {
      const next = await this.row(key, head.n + 1)
      if (!next) return head
      head = this.headAt(head.n + 1, next)
    }
  }

  /**
   * The chain's head now (another process's rows are never missed): from `start`, probed forward. A
   * reader that had to walk `every` rows or more past its start stores the head it found.
   */
  async head(key: string, given?: ChainHead<V> | null): Promise<ChainHead<V>> {
    const start = await this.start(key, given)
    const head = await this.probe(key, start)
    this.remember(key, head)
    if (this.hints?.every && head.n - start.n >= this.hints.every) await this.storeHint(key, head)
    return head
  }

  /** Every row: 1…`known` read at once (a missing one is skipped: a hint may count a row in flight), then probed. */
  async rows(key: string, known: number): Promise<R[]> {
    const first: (R | null)[] = await Promise.all(Array.from({ length: known }, (_, i) => this.row(key, i + 1)))
    const rows = first.filter((r): r is R => r !== null)
    for (let n = known + 1; ; n++) {
      const next = await this.row(key, n)
      if (!next) return rows
      rows.push(next)
    }
  }

  /**
   * Inserts row `n` if no writer has: the row, or null when `n` is taken (the caller decides: a version
   * conflict, or read the winner with `row`). For chains whose next number the caller has just read.
   */
  async insertAt(key: string, n: number, fields: Omit<R, '_id'>): Promise<R | null> {
    const row = { ...fields, _id: this.rowId(key, n) } as R
    return (await insertOnce(this.model, row as never)) ? row : null
  }

  /**
   * Appends the row `build` makes from the head (null: nothing to append, e.g. a budget used up). Starts
   * without a read from `opts.from` or `start(key)`; a number another writer took makes it probe to the
   * real head and build again. The head reached is remembered, and stored every `hints.every` rows.
   */
  async append(
    key: string,
    build: (head: ChainHead<V>) => Omit<R, '_id'> | null,
    opts: AppendOptions<R, V> = {},
  ): Promise<Appended<R> | null> {
    let head = opts.from ?? (await this.start(key, opts.given))
    let verified = false
    for (let attempt = 0; ; attempt++) {
      let fields: Omit<R, '_id'> | null
      try {
        fields = build(head)
      } catch (err) {
        if (verified || !opts.isRefusal?.(err)) throw err
        head = await this.head(key)
        verified = true
        continue
      }
      if (!fields) return null
      const n = head.n + 1
      const row = { ...fields, _id: this.rowId(key, n) } as R
      if (await insertOnce(this.model, row as never)) {
        const reached = this.headAt(n, row)
        this.remember(key, reached)
        await Promise.all([opts.after?.(row), this.hintIfDue(key, reached)])
        return { row, replayed: false }
      }
      if (!this.valueOf) {
        if (attempt > MAX_ATTEMPTS) throw contention(key)
        head = { n, value: head.value } // a count needs no row read: try the next number
        continue
      }
      const taken = await this.row(key, n)
      if (taken) this.remember(key, this.headAt(n, taken))
      const replay = (await opts.onDuplicate?.(taken, row)) ?? null
      if (replay) return { row: replay, replayed: true }
      if (attempt > MAX_ATTEMPTS) throw contention(key)
      if (attempt > 0) await sleep(Math.random() * 5 * Math.min(attempt + 1, 10))
      head = await this.head(key) // from the row that won, probing on
      verified = true
    }
  }

  /** Stores `head` if its row is one the hint is written with (`hints.every`, `hints.phase`). */
  hintIfDue(key: string, head: ChainHead<V>): Promise<void> {
    const h = this.hints
    if (!h?.write || !h.every || head.n % h.every !== (h.phase ?? 0)) return Promise.resolve()
    return this.storeHint(key, head)
  }

  private storeHint(key: string, head: ChainHead<V>): Promise<void> {
    const h = this.hints
    if (!h?.write) return Promise.resolve()
    if (h.awaited) return h.write(key, head)
    void h.write(key, head).catch(() => undefined)
    return Promise.resolve()
  }

  private headAt(n: number, row: R): ChainHead<V> {
    return { n, value: this.valueOf ? this.valueOf(row) : this.emptyHead.value }
  }
}

const contention = (key: string) => new DomainError('INTERNAL', `chain ${key}: contention did not settle`)

/**
 * The highest n from `from` on (at most `max`) such that `exists(from + 1)`…`exists(n)` all hold: the
 * forward probe every chain and slot count reads with, one `_id` lookup per step.
 */
export async function probeForward(
  from: number,
  exists: (n: number) => Promise<boolean>,
  max = Number.POSITIVE_INFINITY,
): Promise<number> {
  let n = Math.min(from, max)
  while (n < max && (await exists(n + 1))) n++
  return n
}
