import type { Model } from 'mongoose'
import { isDuplicateKey } from './connect'

/**
 * Reads and writes of one row by its `_id` through the driver, for the hot routes.
 *
 * Mongoose's query layer (filter casting, sanitizeFilter, middleware, and an Error captured per
 * exec for its "already executed" check) costs as much CPU in the server as the database call:
 * the same findOne by `_id` served 1.22× the requests through the driver (bench, 10k members).
 * These helpers skip it where nothing needs it: the keys are built by the server and must be
 * strings (anything else is refused, so no operator can ride in), and the values written are
 * already of the schema's types. Results are the same plain objects `.lean()` returns.
 */
/**
 * A model of any row type: these helpers only read and write by `_id`, and mongoose's Model is not
 * assignable across document types (its query methods make the parameter invariant).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any>

/** A row's `_id`: a business key built by the server (a number only where a counter is the key). */
export type RowKey = string | number

function key(id: RowKey): { _id: RowKey } {
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) throw new TypeError('row key must be a string')
  return { _id: id }
}

export function findById<T>(model: AnyModel, id: RowKey, projection?: Record<string, 0 | 1>): Promise<T | null> {
  return model.collection.findOne(key(id) as never, projection ? { projection } : {}) as Promise<T | null>
}

/** Whether a row with this `_id` exists (a slot taken, a day checked in): reads the key only. */
export async function existsById(model: AnyModel, id: RowKey): Promise<boolean> {
  return (await findById(model, id, { _id: 1 })) !== null
}

/**
 * Two first upserts of a row can race and one fails with a duplicate key (FerretDB always, MongoDB
 * outside the cases it retries itself): the row exists then, so the loser's retry is a plain update.
 */
async function upsertRetryingRace<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    return write()
  }
}

/** An `updateOne` by `_id` alone; resolves with whether a row matched (or was upserted). */
export async function updateById(
  model: AnyModel,
  id: string,
  update: Record<string, unknown>,
  opts: { upsert?: boolean } = {},
): Promise<boolean> {
  const write = () => model.collection.updateOne(key(id) as never, update, { upsert: opts.upsert ?? false })
  const res = await (opts.upsert ? upsertRetryingRace(write) : write())
  return res.matchedCount > 0 || res.upsertedCount > 0
}

/** `$inc` on one row by `_id` (created if missing); resolves with the row after the increment. */
export function incrementById<T>(model: AnyModel, id: string, inc: Record<string, number>): Promise<T | null> {
  return upsertRetryingRace(
    () =>
      model.collection.findOneAndUpdate(
        key(id) as never,
        { $inc: inc },
        { upsert: true, returnDocument: 'after' },
      ) as Promise<T | null>,
  )
}
