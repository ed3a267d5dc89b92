import { Schema, type Connection, type Model } from 'mongoose'
import { getModel, insertOnce } from '../db/connect'
import { RecentMap } from '../lib/recent-map'

/**
 * Rate-limit counts shared by every server process, in the database, by unique inserts (the one rule:
 * no read-check-write). A caller's budget in a window of the wall clock is cut into blocks; a process
 * takes the next block with an insert keyed `<limit>:<caller>:<window start>:b<n>` and hands out its
 * requests from memory until it is spent. The block insert that loses tried a block another process
 * holds and moves to the next one; when the last block is taken the caller is limited everywhere until
 * the window ends. So the limit is never exceeded across processes; a caller served by several processes
 * may be refused up to (block size - 1) requests early per process (the rest of a block held elsewhere).
 *
 * Why not rate-limiter-flexible's Mongo store: it counts with `findOneAndUpdate({$inc}, {upsert})`,
 * which the embedded database (FerretDB v1) runs as read-modify-write without locking, so two processes
 * could both count 29 of 30 and both admit (research/ferretdb-v1-notes.md). Blocks keep the cost to one
 * insert per block, not per request (the hot routes' round-trip budgets stay as they are).
 */
interface RateLimitBlockDoc {
  _id: string
  /** when the window ends: the row means nothing after it (the transient-rows sweeper deletes it) */
  expiresAt: Date
}

const schema = new Schema<RateLimitBlockDoc>(
  { _id: String, expiresAt: Date },
  { versionKey: false, collection: 'rate_limit_blocks' },
)
schema.index({ expiresAt: 1 }) // the sweeper's query (on MongoDB)

export const rateLimitBlockModel = (conn: Connection): Model<RateLimitBlockDoc> =>
  getModel(conn, 'RateLimitBlock', schema)

/**
 * How many requests one block holds: small budgets go one by one, larger ones in twentieths (at most
 * 20 inserts per caller and window; an instance strands less than a twentieth of the budget).
 */
export function blockSize(max: number): number {
  return max <= 20 ? 1 : Math.ceil(max / 20)
}

interface CallerWindow {
  windowStart: number
  /** requests left in the block this process holds */
  left: number
  /** the next block number to try */
  nextBlock: number
  /** a block insert on its way: concurrent requests of the caller wait for it instead of racing it */
  taking: Promise<void> | null
  exhausted: boolean
}

export interface RateLimitVerdict {
  allowed: boolean
  /** seconds until the window ends (Retry-After when refused) */
  retryAfter: number
}

export class RateLimitStore {
  private readonly Block: Model<RateLimitBlockDoc>
  // One entry per caller and limit seen in the current window; bounded so memory stays flat.
  private readonly callers = new RecentMap<string, CallerWindow>(50_000)

  constructor(conn: Connection) {
    this.Block = rateLimitBlockModel(conn)
  }

  /** Counts one request of `caller` (already prefixed with the limit's name) against `max` per window. */
  async hit(caller: string, max: number, windowMs: number, nowMs = Date.now()): Promise<RateLimitVerdict> {
    const windowStart = Math.floor(nowMs / windowMs) * windowMs
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000))
    let state = this.callers.get(caller)
    if (!state || state.windowStart !== windowStart) {
      state = { windowStart, left: 0, nextBlock: 0, taking: null, exhausted: false }
      this.callers.set(caller, state)
    }
    for (;;) {
      if (state.left > 0) {
        state.left--
        return { allowed: true, retryAfter }
      }
      if (state.exhausted) return { allowed: false, retryAfter }
      state.taking ??= this.takeBlock(caller, state, max, windowMs).finally(() => (state.taking = null))
      await state.taking
    }
  }

  private async takeBlock(caller: string, state: CallerWindow, max: number, windowMs: number): Promise<void> {
    const size = blockSize(max)
    const blocks = Math.ceil(max / size)
    const expiresAt = new Date(state.windowStart + windowMs)
    while (state.nextBlock < blocks) {
      const n = state.nextBlock++
      if (await insertOnce(this.Block, { _id: `${caller}:${state.windowStart}:b${n}`, expiresAt })) {
        state.left = Math.min(size, max - n * size)
        return
      }
    }
    state.exhausted = true
  }
}
