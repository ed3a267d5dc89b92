import { createHash } from 'node:crypto'
import { Schema, type Connection, type Model } from 'mongoose'
import type { Middleware } from 'koa'
import { getModel, insertOnce } from '../db/connect'
import { sleep } from '../lib/keyed-mutex'
import { DomainError } from '../errors/domain-error'

/**
 * Client `Idempotency-Key` per caller and route (the Stripe/IETF model): the first successful
 * response is stored and replayed for retries with the same key; the same key with a different
 * body is refused (422); a retry while the first is still running waits for it, then 409.
 * The record is claimed by a unique insert, so two concurrent first requests cannot both run.
 * A refused request leaves no record (like Stripe's validation failures), so a rejected request
 * changes nothing and a corrected retry can run; the business keys keep effects single anyway.
 */
interface IdempotencyDoc {
  _id: string
  requestHash: string
  state: 'in_flight' | 'done'
  status: number
  body: unknown
  createdAt: Date
}

const schema = new Schema<IdempotencyDoc>(
  { _id: String, requestHash: String, state: String, status: Number, body: Schema.Types.Mixed, createdAt: Date },
  { versionKey: false, collection: 'idempotency_records', minimize: false },
)
schema.index({ createdAt: 1 })

const KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/
const WAIT_MS = 15_000
// An in-flight record older than this belongs to a process that died mid-request (SIGKILL, crash):
// a retry takes it over. Safe because the effects behind every route are keyed and idempotent.
const ABANDONED_MS = 10_000

/**
 * Answers with a result that may repeat one already carried out (recognised by its business key: the
 * same receipt scanned again, a second approval): marked like a replay by `Idempotency-Key`.
 */
export function answer(
  ctx: { body: unknown; set(field: string, value: string): void },
  result: { repeat?: unknown },
): void {
  if (result.repeat) ctx.set('Idempotent-Replayed', 'true')
  ctx.body = result
}

export function idempotencyModel(conn: Connection): Model<IdempotencyDoc> {
  return getModel(conn, 'IdempotencyRecord', schema)
}

export function idempotent(conn: Connection, opts: { required: boolean }): Middleware {
  const Record = idempotencyModel(conn)
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key')
    if (!key) {
      if (opts.required) throw new DomainError('VALIDATION.FAILED', 'Idempotency-Key header required')
      return next()
    }
    if (!KEY_PATTERN.test(key))
      throw new DomainError('VALIDATION.FAILED', 'Idempotency-Key must be 8-128 of [A-Za-z0-9_-]')
    const caller = String(ctx.state.memberId ?? ctx.state.staff?.sub ?? 'anonymous')
    const id = `${caller}|${ctx.method} ${ctx.path}|${key}`
    const requestHash = createHash('sha256')
      .update(JSON.stringify((ctx.request as { body?: unknown }).body ?? null))
      .digest('hex')

    const started = Date.now()
    let createdAt = new Date()
    const insertRecord = () => {
      createdAt = new Date()
      return insertOnce(Record, { _id: id, requestHash, state: 'in_flight', status: 0, body: null, createdAt })
    }
    while (!(await insertRecord())) {
      const rec = await Record.findById(id).lean<IdempotencyDoc>().exec()
      if (!rec) continue // the first attempt failed with a server error and released the key
      if (rec.requestHash !== requestHash)
        throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'Idempotency-Key was used with a different request')
      if (rec.state === 'done') {
        ctx.status = rec.status
        ctx.body = rec.body
        ctx.set('Idempotent-Replayed', 'true')
        return
      }
      if (Date.now() - new Date(rec.createdAt).getTime() > ABANDONED_MS) {
        // Of several retries taking over one abandoned record, the one that inserts its takeover row
        // deletes it: a late one can never delete the record a faster one has claimed since.
        const takeover = `${id}|takeover|${new Date(rec.createdAt).getTime()}`
        if (
          await insertOnce(Record, {
            _id: takeover,
            requestHash: '',
            state: 'done',
            status: 0,
            body: null,
            createdAt: new Date(),
          })
        ) {
          await Record.collection.deleteOne({ _id: id } as never)
          continue
        }
        // Another retry took it over and deletes it at once, unless it died (or lost the database) in
        // between: a takeover row itself abandoned says so, and the record it was taking over goes now.
        const taker = await Record.findById(takeover).lean<IdempotencyDoc>().exec()
        if (taker && Date.now() - new Date(taker.createdAt).getTime() > ABANDONED_MS) {
          await Record.collection.deleteOne({ _id: id, createdAt: rec.createdAt } as never)
          continue
        }
      }
      if (Date.now() - started > WAIT_MS)
        throw new DomainError('IDEMPOTENCY.IN_FLIGHT', 'the first request with this key is still running')
      await sleep(20)
    }

    // The operation's stable key (the same for every retry with this key): handlers derive the ids of
    // their effects from it, so a run after a takeover finds the effects of the run it replaces.
    ctx.state.operationKey = id
    // This request's own record: a slow run whose record a retry took over since (a new record under the
    // same id) neither releases nor answers the retry's. The effects stay single by their own keys.
    const own = { _id: id, createdAt }
    try {
      await next()
    } catch (err) {
      await Record.deleteOne(own).exec()
      throw err
    }
    await Record.updateOne(own, { $set: { state: 'done', status: ctx.status, body: ctx.body } }).exec()
  }
}
