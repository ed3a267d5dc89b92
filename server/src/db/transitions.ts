import { trusted } from 'mongoose'
import { AppendChain } from './append-chain'
import { findById, updateById, type AnyModel } from './by-id'
import { insertOnce } from './connect'

/**
 * A state change of a subject (a receipt, a coupon) decided by the insert of a row whose `_id` is
 * deterministic (`<subject>:decision`, `<coupon>:use<n>`): of racing writers exactly one insert
 * succeeds, and that one IS the transition; the others read the winner and answer from it. The
 * subject's `status` field is a cache derived from these rows, written after the insert, checked
 * again by the writer, repaired on read and by the sweeper; no decision ever rests on it.
 *
 * `settled` says the writer finished what follows the insert (the cache, any effect): a row left
 * unsettled by a crash is found by `unsettled` and finished by the subject's sweeper.
 */
export interface TransitionRow {
  _id: string
  at: Date
  /** false until the writer finished; absent on rows from before transitions were settled */
  settled?: boolean
}

/**
 * Test hook: runs after a won insert, before anything that follows it, so a test can pause a writer
 * there (forced interleavings) or throw (a crash between the insert and the cache write).
 */
export const transitionHooks: { afterClaim?: (row: TransitionRow) => Promise<void> } = {}

export type Claimed<T> = { won: true; row: T } | { won: false; row: T }

/** Inserts the transition; if another writer's insert won, answers with that writer's row. */
export async function claimTransition<T extends TransitionRow>(model: AnyModel, row: T): Promise<Claimed<T>> {
  for (;;) {
    if (await insertOnce(model, row as never)) {
      await transitionHooks.afterClaim?.(row)
      return { won: true, row }
    }
    const winner = await findById<T>(model, row._id)
    // Only a row released by its own writer (an effect refused after the insert) disappears.
    if (winner) return { won: false, row: winner }
  }
}

export async function markSettled(model: AnyModel, id: string): Promise<void> {
  await updateById(model, id, { $set: { settled: true } })
}

/** Rows whose writer has not finished for `graceMs` (crashed, or still running on a slow box). */
export function unsettled<T extends TransitionRow>(model: AnyModel, now: Date, graceMs: number): Promise<T[]> {
  return model
    .find({ settled: false, at: trusted({ $lt: new Date(now.getTime() - graceMs) }) })
    .lean<T[]>()
    .exec()
}

/**
 * Writes a subject's cached state and makes it converge: two writers' cache writes can land in
 * either order (and FerretDB rewrites whole rows), so after writing, the writer derives the state
 * again from the rows and writes once more if it moved on. The last write to land is always
 * followed by its writer's check, so the cache ends equal to what the rows say.
 */
export async function writeConverging<S>(
  derive: () => Promise<S>,
  write: (state: S) => Promise<void>,
  same: (a: S, b: S) => boolean,
  first: S,
): Promise<S> {
  let state = first
  for (let round = 0; round < 20; round++) {
    await write(state)
    const now = await derive()
    if (same(now, state)) return state
    state = now
  }
  return state
}

/**
 * A subject whose transitions form a chain of numbered rows (`idOf(subject, k)`, k from 1): a
 * coupon's uses and undos, a campaign's kills and resumes. The next transition is the insert of row
 * length + 1, so of racing writers one wins whatever they want to do; the chain's length says the
 * state (e.g. odd = redeemed). Readers start from a hint (a cache that can only lag) and probe on: an
 * AppendChain that only counts (db/append-chain.ts), its rows claimed as transitions.
 */
export class TransitionChain<T extends TransitionRow> {
  private readonly chain: AppendChain<T>

  constructor(
    private readonly model: AnyModel,
    readonly idOf: (subject: string, k: number) => string,
  ) {
    this.chain = new AppendChain<T>({ model, rowId: idOf })
  }

  /** The chain's length and newest row. */
  async read(subject: string, hint = 0): Promise<{ length: number; last: T | null }> {
    const { n: length } = await this.chain.probe(subject, { n: hint, value: null })
    const last = length > 0 ? await this.chain.row(subject, length) : null
    return { length, last }
  }

  /** Claims row `k` of the chain; a loser gets the row that won it. */
  claim(row: T): Promise<Claimed<T>> {
    return claimTransition(this.model, row)
  }
}
