import { types } from 'node:util'
import mongoose from 'mongoose'
import { isDatabaseUnreachable } from './db-health'

// The driver mongoose ships with (not a dependency of its own, so the two never disagree).
const { MongoBulkWriteError, MongoServerError } = mongoose.mongo

/**
 * Group commit for inserts. While one insert into a collection is on its way to the database, the
 * inserts that arrive for the same collection wait and then go together as one unordered
 * `insertMany`; each caller still gets its own outcome (done, or the duplicate-key error of its own
 * document). An idle server sends every insert at once, alone, so nothing waits without load.
 *
 * Why: on the embedded database a command's fixed cost (wire, dispatch, transaction) is most of an
 * insert's cost, and in the server each command is a socket write and a reply to parse, so the cost per
 * document falls as groups grow (figures: docs/performance.md; bench/db-ops.bench.test.ts measures this
 * helper against plain inserts).
 * Inserts are where every invariant of the ledger, the coupon book and the receipts lives (unique
 * keys), so they are also the busiest writes.
 *
 * Crash safety is unchanged: a caller is answered only after the database acknowledged its
 * document, and an unordered insert of independent documents commits or refuses each on its own,
 * exactly as separate inserts racing each other would.
 */
// One command stays well under the 16 MB message limit with the documents the hot routes write.
const MAX_BATCH = 64

/** What the group commit needs of a model: its driver collection (a mongoose model or `{ collection }`). */
export interface InsertTarget {
  collection: {
    insertOne(doc: never): Promise<unknown>
    insertMany(docs: never[], opts: { ordered: boolean }): Promise<unknown>
  }
}

interface PendingInsert {
  doc: Record<string, unknown>
  resolve: () => void
  reject: (err: unknown) => void
}

class CollectionInserts {
  private queue: PendingInsert[] = []
  private sending = false

  constructor(private readonly model: InsertTarget) {}

  insert(doc: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject })
      if (!this.sending) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.sending = true
    while (this.queue.length > 0) await this.send(this.queue.splice(0, MAX_BATCH))
    this.sending = false
  }

  private async send(batch: PendingInsert[]): Promise<void> {
    if (batch.length === 1) return this.sendAlone(batch[0]!)
    try {
      await this.model.collection.insertMany(
        batch.map((p) => p.doc as never),
        { ordered: false },
      )
      for (const p of batch) p.resolve()
    } catch (err) {
      // The driver reports a failure of the whole command (no connection, a dropped one, a refusal
      // of the command) as a bulk error too, with no write errors and the failure inside: read as
      // per-document answers, that said every document was stored.
      const inner = err instanceof MongoBulkWriteError ? err.errorResponse : undefined
      const failure = types.isNativeError(inner) ? inner : err
      if (isDatabaseUnreachable(failure)) {
        // No answer: the documents may be stored or not. Sent again, a stored one would come back as a
        // duplicate of itself and its caller would take its own key for someone else's (a registration
        // then deleted its own member row, leaving the identity pointing nowhere). Each caller gets the
        // failure, as a lone insert would; the request's retry reads what is there.
        for (const p of batch) p.reject(failure)
        return
      }
      if (!(failure instanceof MongoBulkWriteError)) {
        // Refused as a whole (a document the driver cannot encode or the database will not take): one
        // bad document must not fail the others, so each goes again alone and gets its own answer.
        await Promise.all(batch.map((p) => this.sendAlone(p)))
        return
      }
      if (failure.insertedCount + [failure.writeErrors].flat().length !== batch.length) {
        // An answer that does not tell each document's fate: no caller is told its row is stored.
        for (const p of batch) p.reject(failure)
        return
      }
      const failed = new Map([failure.writeErrors].flat().map((w) => [w.index, w] as const))
      for (const [i, p] of batch.entries()) {
        const w = failed.get(i)
        if (w)
          p.reject(
            new MongoServerError({
              message: w.errmsg ?? 'write error',
              errmsg: w.errmsg,
              code: w.code,
              keyValue: (p.doc as { _id?: unknown })._id,
            }),
          )
        else p.resolve()
      }
    }
  }

  private async sendAlone(p: PendingInsert): Promise<void> {
    try {
      await this.model.collection.insertOne(p.doc as never)
      p.resolve()
    } catch (err) {
      p.reject(err)
    }
  }
}

const byCollection = new WeakMap<object, CollectionInserts>()

/** Inserts one document (through the group commit above); rejects like `insertOne` on a duplicate key. */
export function insertRow(model: InsertTarget, doc: Record<string, unknown>): Promise<void> {
  let inserts = byCollection.get(model.collection)
  if (!inserts) byCollection.set(model.collection, (inserts = new CollectionInserts(model)))
  return inserts.insert(doc)
}

/**
 * Loads many documents at once (the demo mall's year of history): unordered `insertMany` commands of
 * `chunk` documents, `parallel` in flight. A document whose `_id` is already there is kept as it is, so
 * a load cut short converges when run again; any other refusal throws. Returns how many were inserted.
 */
export async function bulkInsert(target: InsertTarget, docs: object[], chunk = 1000, parallel = 2): Promise<number> {
  let inserted = 0
  let next = 0
  const send = async (): Promise<void> => {
    while (next < docs.length) {
      const part = docs.slice(next, (next += chunk))
      try {
        await target.collection.insertMany(part as never[], { ordered: false })
        inserted += part.length
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError)) throw err
        const errors = [err.writeErrors].flat()
        if (errors.some((w) => w.code !== 11000)) throw err
        inserted += part.length - errors.length
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, send))
  return inserted
}
