import mongoose, { type Connection } from 'mongoose'
import { detectBackend, isFerretDb } from './guarded-write'
import { insertRow } from './insert-batch'
import type { AnyModel } from './by-id'

// Defence in depth next to validate.ts: `$`-keyed values that reach a filter are wrapped in $eq,
// and filters on paths the schema does not know throw instead of silently matching everything.
mongoose.set('sanitizeFilter', true)
mongoose.set('strictQuery', 'throw')

export interface ConnectOptions {
  /** build the schemas' indexes when models are compiled (off in production: `npm run db:indexes`) */
  autoIndex?: boolean
  /** how long to keep trying the first connection (a database starting next to the server) */
  firstConnectMs?: number
  /** the driver reports every command (tests see which collections a request wrote: db-fingerprint.ts) */
  monitorCommands?: boolean
}

export async function connectDatabase(uri: string, dbName: string, opts: ConnectOptions = {}): Promise<Connection> {
  const autoIndex = opts.autoIndex ?? true
  const deadline = Date.now() + (opts.firstConnectMs ?? 15_000)
  for (;;) {
    const conn = mongoose.createConnection(uri, {
      dbName,
      // An operation meets an unreachable database within 0.7 s and the request gets a 503
      // (db-health.ts), instead of waiting 30 s (the driver's default) and failing with a 500.
      serverSelectionTimeoutMS: 700,
      // No queue in mongoose while disconnected: the operation fails at once the same way.
      bufferCommands: false,
      // The driver looks for a restarted database this often when nothing else asks.
      heartbeatFrequencyMS: 2_000,
      // A server check that connects while the database is restarting gives up after 3 s: with the driver's
      // default (30 s) one stuck check blocks every other, and the restarted database stays unseen that long.
      connectTimeoutMS: 3_000,
      // FerretDB v1 slows down with hundreds of connections; MongoDB is fine either way.
      maxPoolSize: 20,
      autoIndex,
      autoCreate: autoIndex,
      monitorCommands: opts.monitorCommands ?? false,
    })
    try {
      await conn.asPromise()
      await detectBackend(conn)
      return conn
    } catch (err) {
      await conn.close().catch(() => undefined)
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

/**
 * A unique-key violation, on MongoDB (11000) and on FerretDB, which reports violations caused by
 * updates as InternalError with the SQL message (see research/ferretdb-v1-notes.md §2.6).
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | null
  if (!e) return false
  return (
    e.code === 11000 ||
    /E11000|UNIQUE constraint failed|duplicate key value violates unique constraint/.test(e.message ?? '')
  )
}

/**
 * Inserts a document whose `_id` is a business key (grouped with concurrent inserts into the same
 * collection, see insert-batch.ts). Returns false if that key already exists.
 */
export async function insertOnce(model: AnyModel, doc: Record<string, unknown>): Promise<boolean> {
  try {
    await insertRow(model, doc)
    return true
  } catch (err) {
    if (isDuplicateKey(err)) return false
    throw err
  }
}

/**
 * Registers a model on a connection once; each app/test connection gets its own models. On FerretDB
 * only the unique indexes are built: its planner serves no filter but `{_id: value}` from an index,
 * so the others (there for MongoDB: the sweepers' and consoles' queries) would only cost every write.
 */
export function getModel<T>(conn: Connection, name: string, schema: mongoose.Schema<T>): mongoose.Model<T> {
  return (
    (conn.models[name] as mongoose.Model<T>) ??
    conn.model<T>(name, isFerretDb(conn) ? uniqueIndexesOnly(schema) : schema)
  )
}

function uniqueIndexesOnly<T>(schema: mongoose.Schema<T>): mongoose.Schema<T> {
  const copy = schema.clone()
  const unique = copy.indexes().filter(([, options]) => options.unique)
  copy.clearIndexes() // the schema-level ones; a path's own `unique: true` stays with the path
  for (const [fields, options] of unique) {
    const keys = Object.keys(fields)
    const declaredOnPath =
      keys.length === 1 && (copy.path(keys[0]!)?.options as { unique?: boolean } | undefined)?.unique
    if (!declaredOnPath) copy.index(fields, options)
  }
  return copy
}
