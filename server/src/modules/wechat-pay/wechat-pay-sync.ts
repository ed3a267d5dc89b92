import { trusted } from 'mongoose'
import type { Logger } from 'pino'
import { syncRetryAt, type PendingPointsSyncsPage, type PointsSyncRetry } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { DomainError } from '../../errors/domain-error'
import { insertOnce } from '../../db/connect'
import { TransitionChain } from '../../db/transitions'
import type { PointsSyncPayload, WechatPayClient } from './wechat-pay-client'
import type { WechatPayModels, WxSyncAttemptDoc, WxSyncDoc } from './wechat-pay.model'

/** An attempt claimed this long ago without an outcome was lost with its process: the next one goes. */
const ATTEMPT_TIMEOUT_MS = 60_000

/**
 * The points sync (商圈会员积分同步) as an outbox: a payment's posting writes the row (`_id` =
 * transaction_id, once), and this job sends it until WeChat accepts it, waiting longer after each
 * failure (shared `syncRetryAt`). Each attempt is the next row of a chain `<transaction_id>#<n>`,
 * claimed by its insert before the call: two instances running the job never send one attempt
 * twice, and a row whose attempt was accepted is never sent again.
 */
export class WechatPaySync {
  private readonly attempts: TransitionChain<WxSyncAttemptDoc>

  constructor(
    private readonly m: WechatPayModels,
    private readonly client: WechatPayClient,
    private readonly logger: Logger,
  ) {
    this.attempts = new TransitionChain<WxSyncAttemptDoc>(m.SyncAttempt, (txn, k) => `${txn}#${k}`)
  }

  /** Owes WeChat this payment's points; a repeat keeps the first row (its points were posted once). */
  async owe(payload: PointsSyncPayload, now: Date): Promise<void> {
    const row: WxSyncDoc = {
      _id: payload.transaction_id,
      payload: { ...payload },
      attempts: 0,
      done: false,
      nextAt: now,
      createdAt: now,
      lastError: null,
    }
    await insertOnce(this.m.Sync, row as never)
  }

  /** Syncs WeChat has not accepted yet, oldest first (an operator's view of what keeps failing). */
  async pending(): Promise<PendingPointsSyncsPage> {
    const rows = await this.m.Sync.find({ done: false }).sort({ createdAt: 1 }).limit(200).lean<WxSyncDoc[]>().exec()
    return {
      items: rows.map((r) => ({
        transactionId: r._id,
        attempts: r.attempts,
        lastError: r.lastError,
        nextAt: new Date(r.nextAt).toISOString(),
        createdAt: new Date(r.createdAt).toISOString(),
      })),
    }
  }

  /** Sends the syncs that are due; returns how many WeChat accepted in this run. */
  async run(now: Date): Promise<{ sent: number; accepted: number }> {
    const due = await this.m.Sync.find({ done: false, nextAt: trusted({ $lte: now }) })
      .limit(100)
      .lean<WxSyncDoc[]>()
      .exec()
    let sent = 0
    let accepted = 0
    for (const row of due) {
      const outcome = await this.attempt(row, now)
      if (outcome) sent++
      if (outcome === 'accepted') accepted++
    }
    return { sent, accepted }
  }

  /**
   * An operator sends one sync now instead of waiting for its backoff. The attempt is the next row of
   * the same chain, so a retry racing the job (or another operator) sends it once.
   */
  async retryNow(transactionId: string, now: Date): Promise<PointsSyncRetry> {
    const row = await findById<WxSyncDoc>(this.m.Sync, transactionId)
    if (!row) throw new DomainError('PURCHASE.NOT_FOUND', 'no points sync for this transaction')
    const outcome = row.done ? null : await this.attempt(row, now)
    const after = (await findById<WxSyncDoc>(this.m.Sync, transactionId))!
    return {
      transactionId,
      outcome: outcome ?? (after.done ? 'done' : 'busy'),
      attempts: after.attempts,
      lastError: after.lastError,
    }
  }

  private async attempt(row: WxSyncDoc, now: Date): Promise<WxSyncAttemptDoc['outcome'] | null> {
    const { length, last } = await this.attempts.read(row._id, row.attempts)
    if (last?.outcome === 'accepted') {
      await updateById(this.m.Sync, row._id, { $set: { done: true, attempts: length } })
      return null
    }
    // Another instance is sending attempt `length` right now.
    if (last && last.outcome === null && now.getTime() - new Date(last.at).getTime() < ATTEMPT_TIMEOUT_MS) return null
    const n = length + 1
    const claimed = await this.attempts.claim({
      _id: `${row._id}#${n}`,
      at: now,
      settled: false,
      outcome: null,
      status: null,
      code: null,
    })
    if (!claimed.won) return null
    const answer = await this.client.notifyPoints(row.payload as unknown as PointsSyncPayload, now)
    const outcome = answer.ok ? 'accepted' : 'failed'
    await updateById(this.m.SyncAttempt, `${row._id}#${n}`, {
      $set: { outcome, status: answer.status, code: answer.code, settled: true },
    })
    if (answer.ok) {
      await updateById(this.m.Sync, row._id, { $set: { done: true, attempts: n, lastError: null } })
    } else {
      this.logger.warn(
        { transactionId: row._id, attempt: n, status: answer.status, code: answer.code },
        'wechat pay points sync refused',
      )
      await updateById(this.m.Sync, row._id, {
        $set: { attempts: n, nextAt: syncRetryAt(n, now), lastError: answer.code },
      })
    }
    return outcome
  }
}
