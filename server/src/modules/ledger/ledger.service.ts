import type { Connection, Model } from 'mongoose'
import {
  EMPTY_WALLET,
  applyOperation,
  WalletRuleError,
  type GrowthChange,
  type WalletOperation,
  type WalletState,
} from '@mall/shared'
import { AppendChain, type ChainHead } from '../../db/append-chain'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { deleteIf } from '../../db/guarded-write'
import { DomainError } from '../../errors/domain-error'
import { KeyedMutex, sleep } from '../../lib/keyed-mutex'
import { ledgerFactModel, recordLedgerFact, type LedgerFactDoc } from './ledger-facts'
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
  /** Decides the operation from the wallet at the head (may throw a DomainError), or is fixed (a price). */
  plan: PostingPlan | ((state: WalletState) => PostingPlan)
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
// A reservation older than this is presumed orphaned by a crash; a retry may complete it.
const STALE_RESERVATION_MS = 10_000
// Heads of recently used wallets kept in memory; bounded so memory stays flat with millions of members.
const HEAD_CACHE_SIZE = 50_000
// The stored head hint is written with a member's 1st, 5th, 9th… entry: a new member's cold read finds
// it, and a hint lags at most 3 entries (one probe read each); a write on every posting would cost more.
const HEAD_HINT_EVERY = 4

const walletHead = (h: ChainHead<WalletState>): WalletHead => ({ seq: h.n, state: h.value })
const chainHead = (h: WalletHead): ChainHead<WalletState> => ({ n: h.seq, value: h.state })

/**
 * The append-only points ledger: each member's entries are a chain (db/append-chain.ts) keyed
 * `<memberId>:<seq>`, each with a unique business `eventKey` and the wallet state after it. There is no
 * read-check-write anywhere a race could double-post: a posting that collides on the `eventKey` is a
 * replay and returns the first entry.
 */
export class LedgerService {
  private readonly m: LedgerModels
  private readonly mutex = new KeyedMutex()
  private readonly wallets: AppendChain<LedgerEntryDoc, WalletState>
  /** each entry's row for the operator dashboard (ledger-facts.ts), written beside it */
  private readonly facts: Model<LedgerFactDoc>

  constructor(conn: Connection, hints: WalletHintStore) {
    this.m = ledgerModels(conn)
    this.facts = ledgerFactModel(conn)
    this.wallets = new AppendChain<LedgerEntryDoc, WalletState>({
      model: this.m.Entry,
      rowId: entryId,
      value: (entry) => entry.state,
      empty: EMPTY_WALLET,
      cacheSize: HEAD_CACHE_SIZE,
      hints: {
        read: async (memberId) => {
          const stored = await hints.walletHint(memberId)
          return stored && chainHead(stored)
        },
        write: (memberId, head) => hints.storeWalletHint(memberId, walletHead(head)),
        every: HEAD_HINT_EVERY,
        phase: 1,
        awaited: true,
      },
    })
  }

  /**
   * Posts an event once. A fenceable key is reserved first (or its holder awaited); then the entry is
   * appended to the member's chain, one posting per member at a time in this process.
   */
  async post(req: PostRequest): Promise<PostResult> {
    if (!req.fenceable) return this.mutex.run(req.memberId, () => this.append(req))
    if (!(await this.reserve(req))) {
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

  /**
   * The newest entry's state: from the newer of the head this process last saw and `storedHint` (the
   * caller read the member row anyway), else the stored hint, probed forward by `_id`: other processes'
   * postings are never missed.
   */
  async head(memberId: string, storedHint?: WalletHead | null): Promise<WalletHead> {
    return walletHead(await this.wallets.head(memberId, storedHint && chainHead(storedHint)))
  }

  entry(id: string): Promise<LedgerEntryDoc | null> {
    return findById<LedgerEntryDoc>(this.m.Entry, id)
  }

  /** Entries newest first, by `_id` lookups only (the fast path on FerretDB as on MongoDB). */
  async entries(memberId: string, beforeSeq: number, limit: number): Promise<LedgerEntryDoc[]> {
    const seqs: number[] = []
    for (let seq = beforeSeq - 1; seq >= 1 && seqs.length < limit; seq--) seqs.push(seq)
    const rows = await Promise.all(seqs.map((seq) => this.wallets.row(memberId, seq)))
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

  /**
   * Appends the entry the plan makes of the wallet at the head. It starts from the head this process
   * last saw (or the one the caller was handed, or the stored hint) without probing: the insert of
   * seq + 1 succeeds only on the real head, so a stale start costs a retry, never a fork; and a refusal
   * is only final on a verified head (a stale one may lack another process's credit).
   */
  private async append(req: PostRequest): Promise<PostResult> {
    const appended = await this.wallets.append(req.memberId, (head) => entryAfter(req, head), {
      given: req.handedHead && chainHead(req.handedHead),
      isRefusal: (err) => err instanceof DomainError,
      onDuplicate: (taken) => this.replayOf(req, taken),
      after: (entry) => Promise.all([this.markEvent(req, entry), recordLedgerFact(this.facts, entry)]),
    })
    const { row: entry, replayed } = appended! // entryAfter always makes an entry (or throws)
    return { entry, replayed }
  }

  /**
   * After a duplicate key: the posted entry if this event was posted before (a replay), or null when
   * another event holds the seq. Only a free seq means the event key itself collided and needs the
   * lookup by `eventKey` (a scan on FerretDB).
   */
  private async replayOf(req: PostRequest, taken: LedgerEntryDoc | null): Promise<LedgerEntryDoc | null> {
    const posted = taken
      ? taken.eventKey === req.eventKey
        ? taken
        : null
      : await this.m.Entry.findOne({ eventKey: req.eventKey }).lean<LedgerEntryDoc>().exec()
    if (!posted) return null
    if (posted.memberId !== req.memberId)
      throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'event key belongs to another member')
    // What a posting writes after its entry, in case its writer did not get there.
    await Promise.all([
      this.markEvent(req, posted),
      this.wallets.hintIfDue(req.memberId, chainHead(posted)),
      recordLedgerFact(this.facts, posted),
    ])
    return posted
  }

  /** A fenceable event's reservation points at its entry (a hint written after the entry, the truth). */
  private async markEvent(req: PostRequest, entry: LedgerEntryDoc): Promise<void> {
    if (req.fenceable) await this.m.Event.updateOne({ _id: req.eventKey }, { $set: { entryId: entry._id } }).exec()
  }

  private reserve(req: PostRequest): Promise<boolean> {
    return insertOnce(this.m.Event, { _id: req.eventKey, memberId: req.memberId, entryId: null, createdAt: req.now })
  }

  /** Waits for the writer holding a reservation; null means it looks abandoned and we may finish it. */
  private async awaitEvent(req: PostRequest): Promise<LedgerEntryDoc | null> {
    for (let waited = 0; ; waited += 25) {
      const ev = await this.m.Event.findById(req.eventKey).lean().exec()
      // The holder was refused and released the key: take it over for this attempt.
      if (!ev) {
        if (await this.reserve(req)) return null
        continue
      }
      if (ev.memberId !== req.memberId)
        throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'event key belongs to another member')
      if (ev.entryId) return this.m.Entry.findById(ev.entryId).lean<LedgerEntryDoc>().exec()
      const age = req.now.getTime() - new Date(ev.createdAt).getTime()
      if (age > STALE_RESERVATION_MS || waited > STALE_RESERVATION_MS) return null
      await sleep(25)
    }
  }
}

/** The entry the posting's plan makes of the wallet at `head`; a wallet rule's refusal as its DomainError. */
function entryAfter(req: PostRequest, head: ChainHead<WalletState>): Omit<LedgerEntryDoc, '_id'> {
  let plan: PostingPlan
  let applied: { state: WalletState; delta: number }
  try {
    plan = typeof req.plan === 'function' ? req.plan(head.value) : req.plan
    applied = applyOperation(head.value, plan.op, plan.growth)
  } catch (err) {
    throw err instanceof WalletRuleError ? new DomainError(WALLET_ERRORS[err.violation], err.message) : err
  }
  return {
    memberId: req.memberId,
    seq: head.n + 1,
    eventKey: req.eventKey,
    type: req.type,
    op: plan.op,
    growth: plan.growth ?? {},
    delta: applied.delta,
    state: applied.state,
    meta: plan.meta ?? {},
    createdAt: req.now,
  }
}
