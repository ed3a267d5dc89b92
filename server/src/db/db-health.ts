import type { Connection } from 'mongoose'
import type { Logger } from 'pino'

// Errors of the driver (and of mongoose's command buffer) that mean "the database cannot be reached",
// as opposed to a refusal by the database (a duplicate key, a validation error).
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoExpiredSessionError',
])

export function isDatabaseUnreachable(err: unknown, depth = 0): boolean {
  const e = err as { name?: string; message?: string; cause?: unknown; stack?: string; code?: unknown } | null
  if (!e || typeof e !== 'object' || depth > 3) return false
  // By the driver's error classes only: a refused connection to WeChat must not read as the database.
  const name = e.name ?? ''
  if (UNREACHABLE.has(name) || /^(Mongo|Mongoose).*(Network|ServerSelection|PoolCleared|NotConnected)/.test(name))
    return true
  if (name === 'PoolClearedOnNetworkError') return true
  if (name === 'MongooseError' && /buffering timed out|initial connection/.test(e.message ?? '')) return true
  if (fromDriverSocket(e)) return true
  // A bulk write's failure as a whole (no connection) travels inside it as its `errorResponse`.
  const inner = [e.cause, (e as { errorResponse?: unknown }).errorResponse]
  return /^Mongo/.test(name) && inner.some((x) => isDatabaseUnreachable(x, depth + 1))
}

/**
 * A socket error the driver lets through unwrapped: a command written to a connection the database
 * closed (`EPIPE`, "This socket has been ended by the other party") — seen when the embedded database
 * is SIGKILLed under writes. Told from other parties' socket errors by the driver's frames in its stack.
 */
function fromDriverSocket(e: { name?: string; stack?: string; code?: unknown }): boolean {
  return (
    e.name === 'Error' &&
    (e.code === 'EPIPE' || e.code === 'ECONNRESET') &&
    /[\\/]node_modules[\\/]mongodb[\\/]/.test(e.stack ?? '')
  )
}

const PING_TIMEOUT_MS = 1_000
const PROBE_EVERY_MS = 250

/**
 * Whether the database answers, as this process last saw it. A request that meets an unreachable
 * database (or the embedded database's supervisor seeing it exit) marks it down; while down, requests
 * are refused at once with 503 and jobs pause, and a probe pings it every 250 ms until it answers.
 */
export class DatabaseHealth {
  private up = true
  private downSince: number | null = null
  private probing = false
  private stopped = false
  // Resolves when the database is next marked down: requests in progress stop waiting on it then.
  private down!: Promise<void>
  private signalDown!: () => void

  constructor(
    private readonly conn: Connection,
    private readonly logger?: Logger,
  ) {
    this.armDownSignal()
  }

  get available(): boolean {
    return this.up
  }

  /** ms since the database was last seen going away (null while up) */
  get downForMs(): number | null {
    return this.downSince === null ? null : Date.now() - this.downSince
  }

  markDown(reason: string): void {
    if (this.up) {
      this.up = false
      this.downSince = Date.now()
      this.logger?.warn({ reason }, 'database unreachable: refusing requests with 503, jobs paused')
      this.signalDown()
    }
    void this.probe()
  }

  /** Resolves when the database is next marked down. */
  wentDown(): Promise<void> {
    return this.down
  }

  private armDownSignal(): void {
    this.down = new Promise<void>((resolve) => (this.signalDown = resolve))
  }

  /** Pings now (readiness): true if the database answered within a second. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    try {
      const db = this.conn.db
      if (!db) return false
      await Promise.race([
        db.command({ ping: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS)
        }),
      ])
      return true
    } catch {
      return false
    } finally {
      clearTimeout(timer)
    }
  }

  /** Stops the recovery probe (shutdown). */
  stop(): void {
    this.stopped = true
  }

  private async probe(): Promise<void> {
    if (this.probing) return
    this.probing = true
    try {
      while (!this.up && !this.stopped) {
        if (await this.ping()) {
          this.logger?.warn({ downForMs: this.downForMs }, 'database reachable again: serving requests, jobs resume')
          this.up = true
          this.downSince = null
          this.armDownSignal()
          break
        }
        await new Promise((r) => setTimeout(r, PROBE_EVERY_MS).unref())
      }
    } finally {
      this.probing = false
    }
  }
}
