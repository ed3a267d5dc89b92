import mongoose, { type Connection, type Model } from 'mongoose'

/**
 * Conditional single-row writes ("set state=active where _id=X and state=pending") that are fast on
 * both backends. MongoDB does them atomically from the filter. FerretDB v1 serves only filters that
 * are exactly `{_id}` from an index — any extra condition scans the whole collection — and runs a
 * conditional update as read-modify-write anyway (research/ferretdb-v1-notes.md §2.7). So there the
 * row is read by `_id`, the guard checked in JS, and the write done by `_id` alone: the same
 * semantics FerretDB would give, without the scan. Invariants never rest on these guards; they
 * rest on unique inserts.
 */
const ferret = new WeakMap<Connection, boolean>()

export async function detectBackend(conn: Connection): Promise<void> {
  const info = await conn.db!.admin().command({ buildInfo: 1 })
  ferret.set(conn, 'ferretdbVersion' in info)
}

export const isFerretDb = (conn: Connection): boolean => ferret.get(conn) ?? false

/** Equality conditions, or `{ $lt: n }` for a number field. */
export type Guard = Record<string, unknown>

function matches(doc: Record<string, unknown>, guard: Guard): boolean {
  return Object.entries(guard).every(([key, want]) => {
    const have = doc[key] ?? null
    if (want !== null && typeof want === 'object' && '$lt' in want)
      return typeof have === 'number' && have < (want as { $lt: number }).$lt
    if (want instanceof Date) return have instanceof Date && have.getTime() === want.getTime()
    return have === want
  })
}

function asFilter(id: string, guard: Guard): Record<string, unknown> {
  const filter: Record<string, unknown> = { _id: id }
  for (const [key, value] of Object.entries(guard)) {
    filter[key] = value !== null && typeof value === 'object' && '$lt' in value ? mongoose.trusted(value) : value
  }
  return filter
}

/** Updates the row `id` if it matches `guard`; true if it did. */
export async function updateIf<T>(
  model: Model<T>,
  id: string,
  guard: Guard,
  update: Record<string, unknown>,
): Promise<boolean> {
  if (!isFerretDb(model.db))
    return (await model.updateOne(asFilter(id, guard) as never, update as never).exec()).matchedCount > 0
  const doc = await model.findById(id).lean<Record<string, unknown>>().exec()
  if (!doc || !matches(doc, guard)) return false
  await model.updateOne({ _id: id } as never, update as never).exec()
  return true
}

/** Deletes the row `id` if it matches `guard`; true if it did. */
export async function deleteIf<T>(model: Model<T>, id: string, guard: Guard): Promise<boolean> {
  if (!isFerretDb(model.db)) return (await model.deleteOne(asFilter(id, guard) as never).exec()).deletedCount > 0
  const doc = await model.findById(id).lean<Record<string, unknown>>().exec()
  if (!doc || !matches(doc, guard)) return false
  return (await model.deleteOne({ _id: id } as never).exec()).deletedCount > 0
}
