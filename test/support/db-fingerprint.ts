import { createHash } from 'node:crypto'
import type { Connection } from 'mongoose'
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb'

/**
 * A hash of every document in every collection (minus the audit log, which records refused
 * requests by design, WeChat's access token, fetched by a process's first WeChat call whatever
 * its outcome, and the rate limits' blocks, which count refused requests too by design: a caller
 * takes a new block whenever its last one is used up). Equal before and after a refused request =
 * the request changed nothing.
 *
 * Reading a hundred collections costs ~100 ms on the embedded database, and the fuzz suites take a
 * fingerprint after every request. Through a connection the API harness watches (trackChanges) a
 * collection is read again only when a command that can change it was sent since the last
 * fingerprint; the others keep their hash. Through other connections everything is read every time.
 */
export async function dbFingerprint(
  conn: Connection,
  exclude = ['staff_audit', 'wechat_tokens', 'rate_limit_blocks'],
): Promise<string> {
  const tracker = trackers.get(conn)
  // Taken before the reads: a write that starts during them is read again next time.
  const changed = tracker?.takeChanged() ?? 'all'
  const names = (await conn.db!.listCollections().toArray())
    .map((c) => c.name)
    .filter((n) => !exclude.includes(n))
    .sort()
  const hashes = tracker?.hashes ?? new Map<string, string>()
  const stale = names.filter((n) => changed === 'all' || changed.has(n) || !hashes.has(n))
  const docs = await Promise.all(stale.map((n) => conn.db!.collection(n).find({}).sort({ _id: 1 }).toArray()))
  stale.forEach((n, i) => hashes.set(n, createHash('sha256').update(JSON.stringify(docs[i])).digest('hex')))
  for (const n of hashes.keys()) if (!names.includes(n)) hashes.delete(n)
  const hash = createHash('sha256')
  for (const n of names) hash.update(n).update(hashes.get(n)!)
  return hash.digest('hex')
}

/** Commands that never change a collection (an aggregate does unless it ends in $out or $merge). */
const READS = new Set([
  'find',
  'getMore',
  'count',
  'distinct',
  'listCollections',
  'listIndexes',
  'listDatabases',
  'collStats',
  'dbStats',
  'explain',
  'killCursors',
  'endSessions',
  'ping',
  'hello',
  'isMaster',
  'ismaster',
  'buildInfo',
  'getParameter',
  'serverStatus',
  'connectionStatus',
  'saslStart',
  'saslContinue',
])

/** Which collections of one database were written since the last fingerprint, by any watched connection. */
class ChangeTracker {
  readonly hashes = new Map<string, string>()
  private changed: Set<string> | 'all' = 'all' // the first fingerprint reads everything
  /** writes sent and not yet answered (request ids are unique across clients) */
  private readonly inFlight = new Map<number, string | 'all'>()

  constructor(private readonly dbName: string) {}

  watch(client: MongoClient): void {
    client.on('commandStarted', (e: CommandStartedEvent) => {
      if (e.databaseName !== this.dbName && e.databaseName !== 'admin') return
      const target = writeTarget(e)
      if (target === null) return
      this.mark(target)
      this.inFlight.set(e.requestId, target)
    })
    // Marked again when the write is answered: a fingerprint taken while it ran may have read the old rows.
    const answered = (e: CommandSucceededEvent | CommandFailedEvent) => {
      const target = this.inFlight.get(e.requestId)
      if (target === undefined) return
      this.inFlight.delete(e.requestId)
      this.mark(target)
    }
    client.on('commandSucceeded', answered)
    client.on('commandFailed', answered)
  }

  takeChanged(): Set<string> | 'all' {
    const taken = this.changed
    const running = [...this.inFlight.values()]
    this.changed = running.includes('all') ? 'all' : new Set(running as string[])
    return taken
  }

  private mark(target: string | 'all'): void {
    if (this.changed === 'all') return
    if (target === 'all') this.changed = 'all'
    else this.changed.add(target)
  }
}

const trackerByDatabase = new Map<string, ChangeTracker>()
const trackers = new WeakMap<Connection, ChangeTracker>()

/**
 * Watches the commands a connection opened with `monitorCommands` sends, from before its first
 * write (the harness calls this right after connecting), so fingerprints taken through it can skip
 * unchanged collections. Every connection that writes to the database must be watched (the harness
 * and startOtherInstance do so); a fingerprint through an unwatched connection reads everything.
 */
export function trackChanges(conn: Connection): void {
  const client = conn.getClient() as MongoClient
  if (!client.options.monitorCommands) throw new Error('trackChanges needs a connection opened with monitorCommands')
  const tracker = trackerByDatabase.get(conn.name) ?? new ChangeTracker(conn.name)
  trackerByDatabase.set(conn.name, tracker)
  tracker.watch(client)
  trackers.set(conn, tracker)
}

/** The collection a command may change, 'all' when it is not one named collection, null for a read. */
function writeTarget(e: CommandStartedEvent): string | 'all' | null {
  const pipeline = (e.command as { pipeline?: Record<string, unknown>[] }).pipeline
  if (e.commandName === 'aggregate' && !pipeline?.some((stage) => '$out' in stage || '$merge' in stage)) return null
  if (READS.has(e.commandName)) return null
  const target = (e.command as Record<string, unknown>)[e.commandName]
  return typeof target === 'string' && e.databaseName !== 'admin' ? target : 'all'
}
