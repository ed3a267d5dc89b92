import type { Connection } from 'mongoose'
import {
  EMPTY_WALLET,
  applyOperation,
  WalletRuleError,
  type GrowthChange,
  type WalletOperation,
  type WalletState,
} from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce, isDuplicateKey } from '../../db/connect'
import { deleteIf } from '../../db/guarded-write'
import { insertRow } from '../../db/insert-batch'
import { DomainError } from '../../errors/domain-error'
import { KeyedMutex, sleep } from '../../lib/keyed-mutex'
import { RecentMap } from '../../lib/recent-map'
import { entryId, ledgerModels, type LedgerEntryDoc, type LedgerModels } from './ledger.model'

export interface PostingPlan {
  op: WalletOperation
  growth?: GrowthChange
  meta?: Record<string, unknown>
}

export interface PostRequest {
  memberId: string
  /** Deterministic business key: `purchase:<store>:<receipt>`, `welcome:<member>`, … */
  eventKey: string
  type: string
  now: Date
  /** Decides the operation from the wallet as it is at the head; may throw a DomainError. */
  plan: (state: WalletState) => PostingPlan
  /**
   * The key may be fenced by a saga's compensation (payments for items): reserve it in the events
   * collection first, so a fence and a posting can never both succeed and retries wait for the
   * holder. Other postings rely on the entry's unique `eventKey` alone, two writes fewer.
   */
  fenceable?: boolean
  /**
   * A head the caller was handed by this server (a staff member's scan signs the head the card showed
   * into its token): a start like the stored hint, so the posting need not read the member row. It can
   * only lag, never lead (it was read from the ledger), and a lagging start costs a retry.
   */
  handedHead?: WalletHead
}

export interface PostResult {
  entry: LedgerEntryDoc
  /** true when this event had been posted before and the original entry is returned */
  replayed: boolean
}

export interface WalletHead {
  seq: number
  state: WalletState
}

/**
 * Where the stored head hint lives: on the member row (MemberRepo), which the card reads anyway.
 * Readers probe forward from it, so a hint that lags or was lost is harmless.
 */
export interface WalletHintStore {
  walletHint(memberId: string): Promise<WalletHead | null>
  storeWalletHint(memberId: string, head: WalletHead): Promise<void>
}

const WALLET_ERRORS = {
  INSUFFICIENT_POINTS: 'POINTS.INSUFFICIENT',
  WALLET_IN_DEBT: 'POINTS.IN_DEBT',
  INVALID_AMOUNT: 'VALIDATION.FAILED',
} as const

const FENCED = '__fenced__'
const EMPTY_HEAD: WalletHead = { seq: 0, state: EMPTY_WALLET }

// A reservation older than this is presumed orphaned by a crash; a retry may complete it.
const STALE_RESERVATION_MS = 10_000

/**
 * The append-only points ledger. Every posting is an insert keyed `<memberId>:<seq>` with a
 * unique business `eventKey`; there is no read-check-write anywhere a race could double-post.
 * A posting that collides on the `eventKey` is a replay and returns the first entry.
 */
// Heads of recently used wallets kept in memory; bounded so memory stays flat with millions of members.
const HEAD_CACHE_SIZE = 50_000
// The stored head hint is written with a member's 1st, 5th, 9th… entry: a new member's cold read
// finds it, and a hint lags at most HEAD_HINT_EVERY − 1 entries (one probe read each).
const HEAD_HINT_EVERY = 4

export class LedgerService {
  private readonly m: LedgerModels
  private readonly mutex = new KeyedMutex()
  /** Last head this process saw per member: a hint like the stored one, verified by probing forward. */
  private readonly heads = new RecentMap<string, WalletHead>(HEAD_CACHE_SIZE)

  constructor(
    conn: Connection,
    private readonly hints: WalletHintStore,
  ) {
    this.m = ledgerModels(conn)
  }

  /**
   * The newest entry's state. Start from the newer of the head this process last saw and `storedHint`
   * (the caller read the member row anyway), else the stored hint, then probe forward by `_id` until
   * there is no next entry: other processes' postings are never missed.
   */
  async head(memberId: string, storedHint?: WalletHead | null): Promise<WalletHead> {
    const start = await this.start(memberId, storedHint)
    let head = start
    for (;;) {
      const next = await findById<LedgerEntryDoc>(this.m.Entry, entryId(memberId, head.seq + 1))
      if (!next) break
      head = { seq: next.seq, state: next.state }
    }
    this.remember(memberId, head)
    // A hint lagging this far was lost or predates the hints on member rows: store the head found.
    if (head.seq - start.seq >= HEAD_HINT_EVERY) await this.hints.storeWalletHint(memberId, head)
    return head
  }

  /** The stored hint: `given` when the caller read the member row anyway, else read here. */
  private async storedHead(memberId: string, given?: WalletHead | null): Promise<WalletHead> {
    return (given !== undefined ? given : await this.hints.walletHint(memberId)) ?? EMPTY_HEAD
  }

  /**
   * Where a read or a posting starts: the newer of this process's head and one the caller has (read
   * from the member row, or handed by a scan), else the stored hint. Any of them may lag, none leads.
   */
  private async start(memberId: string, given?: WalletHead | null): Promise<WalletHead> {
    const known = this.heads.get(memberId)
    if (given && (!known || given.seq > known.seq)) return given
    return known ?? (await this.storedHead(memberId, given))
  }

  private remember(memberId: string, head: WalletHead): void {
    const known = this.heads.get(memberId)
    if (known && known.seq > head.seq) return
    this.heads.set(memberId, head)
  }

  entry(id: string): Promise<LedgerEntryDoc | null> {
    return findById<LedgerEntryDoc>(this.m.Entry, id)
  }

  /** Entries newest first, by `_id` lookups only (the fast path on FerretDB as on MongoDB). */
  async entries(memberId: string, beforeSeq: number, limit: number): Promise<LedgerEntryDoc[]> {
    const seqs: number[] = []
    for (let seq = beforeSeq - 1; seq >= 1 && seqs.length < limit; seq--) seqs.push(seq)
    const rows = await Promise.all(seqs.map((seq) => findById<LedgerEntryDoc>(this.m.Entry, entryId(memberId, seq))))
    return rows.filter((r): r is LedgerEntryDoc => r !== null)
  }

  /** The whole ledger, for the replay checker (one scan). */
  async everyEntry(): Promise<LedgerEntryDoc[]> {
    return this.m.Entry.find({}).lean<LedgerEntryDoc[]>().exec()
  }

  /**
   * Points held by all members now (debts count as 0): each member's newest entry, from one scan
   * of the ledger. Exact, unlike the stored head hints, which may lag a few entries behind.
   */
  async outstandingPoints(): Promise<number> {
    const rows = await this.m.Entry.find({}, { memberId: 1, seq: 1, 'state.balance': 1 })
      .lean<Pick<LedgerEntryDoc, 'memberId' | 'seq' | 'state'>[]>()
      .exec()
    const newest = new Map<string, { seq: number; balance: number }>()
    for (const r of rows)
      if ((newest.get(r.memberId)?.seq ?? 0) < r.seq) newest.set(r.memberId, { seq: r.seq, balance: r.state.balance })
    let total = 0
    for (const { balance } of newest.values()) total += Math.max(0, balance)
    return total
  }

  /** Every member that has at least one entry (the jobs' list, independent of hints). */
  async ledgerMemberIds(): Promise<string[]> {
    return (await this.m.Entry.distinct('memberId').exec()) as string[]
  }

  /**
   * Finds the entry a fenceable event (`fenceable: true`) produced, or null if it has not been
   * posted. Other events leave no reservation row, so this answers null for them.
   */
  async findByEventKey(eventKey: string): Promise<LedgerEntryDoc | null> {
    const ev = await this.m.Event.findById(eventKey).lean().exec()
    if (ev?.entryId) return this.m.Entry.findById(ev.entryId).lean<LedgerEntryDoc>().exec()
    if (!ev) return null
    // Reserved but not marked: either in flight or a crash after the insert. Rare path: scan.
    return this.m.Entry.findOne({ eventKey }).lean<LedgerEntryDoc>().exec()
  }

  /**
   * Makes sure an event key can never be posted (saga compensation): claims the reservation for
   * nobody. true = fenced (nothing was or will be posted); false = someone holds or posted it.
   */
  fence(eventKey: string, now: Date): Promise<boolean> {
    return insertOnce(this.m.Event, { _id: eventKey, memberId: FENCED, entryId: null, createdAt: now })
  }

  async isFenced(eventKey: string): Promise<boolean> {
    return (await this.m.Event.findById(eventKey).lean().exec())?.memberId === FENCED
  }

  async post(req: PostRequest): Promise<PostResult> {
    if (!req.fenceable) return this.mutex.run(req.memberId, () => this.append(req))
    const reserved = await insertOnce(this.m.Event, {
      _id: req.eventKey,
      memberId: req.memberId,
      entryId: null,
      createdAt: req.now,
    })
    if (!reserved) {
      const existing = await this.awaitEvent(req)
      if (existing) return { entry: existing, replayed: true }
    }
    try {
      return await this.mutex.run(req.memberId, () => this.append(req))
    } catch (err) {
      // A refused posting (not enough points…) releases the key so a corrected retry can proceed.
      if (err instanceof DomainError)
        await deleteIf(this.m.Event, req.eventKey, { entryId: null, memberId: req.memberId })
      throw err
    }
  }

  private async append(req: PostRequest): Promise<PostResult> {
    // Start from the head this process last saw (or the stored hint) without probing: the insert of
    // seq + 1 succeeds only if seq is the real head, so a stale start costs a retry, never a fork.
    // A refusal is only final on a verified head: a stale one may lack another process's credit.
    let head = await this.start(req.memberId, req.handedHead)
    let verified = false
    for (let attempt = 0; ; attempt++) {
      let plan: PostingPlan
      let applied: { state: WalletState; delta: number }
      try {
        plan = req.plan(head.state)
        applied = applyOperation(head.state, plan.op, plan.growth)
      } catch (err) {
        const refusal =
          err instanceof WalletRuleError ? new DomainError(WALLET_ERRORS[err.violation], err.message) : err
        if (!(refusal instanceof DomainError)) throw refusal
        if (verified) throw refusal
        head = await this.head(req.memberId)
        verified = true
        continue
      }
      const entry: LedgerEntryDoc = {
        _id: entryId(req.memberId, head.seq + 1),
        memberId: req.memberId,
        seq: head.seq + 1,
        eventKey: req.eventKey,
        type: req.type,
        op: plan.op,
        growth: plan.growth ?? {},
        delta: applied.delta,
        state: applied.state,
        meta: plan.meta ?? {},
        createdAt: req.now,
      }
      try {
        await insertRow(this.m.Entry, entry as never)
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        const replay = await this.collision(req, entry._id)
        if (replay) return { entry: replay, replayed: true }
        if (attempt > 200) throw new DomainError('INTERNAL', 'ledger contention did not settle')
        if (attempt > 0) await sleep(Math.random() * 5 * Math.min(attempt + 1, 10))
        head = await this.head(req.memberId) // another writer took the seq: move to the real head
        verified = true
        continue
      }
      this.remember(req.memberId, { seq: entry.seq, state: entry.state })
      await this.markPosted(req, entry)
      return { entry, replayed: false }
    }
  }

  /**
   * After a duplicate key: the posted entry if this event was posted before (a replay), or null when
   * another event holds the seq. Only a free seq means the event key itself collided and needs the
   * lookup by `eventKey` (a scan on FerretDB).
   */
  private async collision(req: PostRequest, seqId: string): Promise<LedgerEntryDoc | null> {
    const taken = await findById<LedgerEntryDoc>(this.m.Entry, seqId)
    if (taken) this.remember(req.memberId, { seq: taken.seq, state: taken.state })
    const posted = taken
      ? taken.eventKey === req.eventKey
        ? taken
        : null
      : await this.m.Entry.findOne({ eventKey: req.eventKey }).lean<LedgerEntryDoc>().exec()
    if (!posted) return null
    if (posted.memberId !== req.memberId)
      throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'event key belongs to another member')
    await this.markPosted(req, posted)
    return posted
  }

  private async markPosted(req: Pick<PostRequest, 'eventKey' | 'fenceable'>, entry: LedgerEntryDoc): Promise<void> {
    // Both are hints written after the entry (the truth) and independent of each other: one round trip.
    await Promise.all([
      req.fenceable ? this.m.Event.updateOne({ _id: req.eventKey }, { $set: { entryId: entry._id } }).exec() : null,
      // Every few entries only, and unconditional: a lagging hint costs a cold reader a probe per
      // entry it lags (at most HEAD_HINT_EVERY − 1), a write on every posting costs more. (A guarded
      // write would cost a read on every posting.)
      entry.seq % HEAD_HINT_EVERY !== 1
        ? null
        : this.hints.storeWalletHint(entry.memberId, { seq: entry.seq, state: entry.state }),
    ])
  }

  /** Waits for the writer holding a reservation; null means it looks abandoned and we may finish it. */
  private async awaitEvent(req: PostRequest): Promise<LedgerEntryDoc | null> {
    for (let waited = 0; ; waited += 25) {
      const ev = await this.m.Event.findById(req.eventKey).lean().exec()
      if (!ev) {
        // The holder was refused and released the key: take it over for this attempt.
        if (
          await insertOnce(this.m.Event, {
            _id: req.eventKey,
            memberId: req.memberId,
            entryId: null,
            createdAt: req.now,
          })
        )
          return null
        continue
      }
      if (ev.memberId !== req.memberId)
        throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'event key belongs to another member')
      if (ev.entryId) return this.m.Entry.findById(ev.entryId).lean<LedgerEntryDoc>().exec()
      if (
        req.now.getTime() - new Date(ev.createdAt).getTime() > STALE_RESERVATION_MS ||
        waited > STALE_RESERVATION_MS
      ) {
        return null
      }
      await sleep(25)
    }
  }
}
