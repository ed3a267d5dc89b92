import { randomBytes } from 'node:crypto'
import mongoose, { type Connection } from 'mongoose'
import { loadConfig } from '@mall/config'
import { connectDatabase } from '../../server/src/db/connect'
import { replayCheck } from '../../server/src/jobs/replay-check'
import { LedgerService } from '../../server/src/modules/ledger/ledger.service'
import { MemberRepo } from '../../server/src/modules/members/member.repo'
import { storeModel } from '../../server/src/modules/stores/store.model'
import { freePort, ServerProcess } from './server-process'

/**
 * What the chaos and cluster tests share: a database of their own, the compiled server on it as a process they
 * SIGKILL and start again, clients that retry through the kills, kills spread over the traffic, and the replay
 * of every wallet at the end.
 */
export const CHAOS_SECRET = 'chaos-secret-chaos-secret-chaos-secret-00'

export interface FreshDatabase {
  conn: Connection
  uri: string
  dbName: string
}

/** A new database named `<prefix>_<random>`, and the test's own connection to it. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`
  const uri = loadConfig({ DB_NAME: dbName }).db.uri!
  return { conn: await connectDatabase(uri, dbName), uri, dbName }
}

/** A server process's environment on `db`: dev login, rate limits lifted, WeChat unreachable; `over` wins. */
export function chaosServerEnv(db: FreshDatabase, over: Record<string, string> = {}): Record<string, string> {
  return {
    MONGODB_URI: db.uri,
    DB_NAME: db.dbName,
    JWT_SECRET: CHAOS_SECRET,
    MEMBER_CODE_SECRET: CHAOS_SECRET,
    DEV_LOGIN: 'true',
    OPERATOR_TOTP: 'false', // operators' second factor has its own tests
    LOG_LEVEL: 'error',
    RATE_LOGIN_PER_MINUTE: '1000000',
    RATE_SCAN_PER_MINUTE: '1000000',
    RATE_CLAIM_PER_MINUTE: '1000000',
    WECHAT_API_BASE: 'http://127.0.0.1:9',
    ...over,
  }
}

/**
 * The chaos suites' sweepers settle what a kill left half-done once it is this old (SWEEP_GRACE_SECONDS,
 * test runs only) instead of 30 s, so a suite need not wait out the production grace.
 */
export const CHAOS_SWEEP_GRACE_SECONDS = 3

export interface ChaosWorld {
  conn: Connection
  server: ServerProcess
  /** stops the server, drops the database, closes the connections */
  stop(): Promise<void>
}

/** A fresh database and one server process on it, up and answering. */
export async function startChaosWorld(prefix: string, env: Record<string, string> = {}): Promise<ChaosWorld> {
  const db = await freshDatabase(prefix)
  const serverEnv = chaosServerEnv(db, { SWEEP_GRACE_SECONDS: String(CHAOS_SWEEP_GRACE_SECONDS), ...env })
  const server = new ServerProcess(serverEnv, await freePort())
  const stop = async () => {
    await server.stop()
    await db.conn.dropDatabase().catch(() => undefined)
    await db.conn.close()
    await mongoose.disconnect()
  }
  try {
    await server.start()
  } catch (err) {
    await stop()
    throw err
  }
  return { conn: db.conn, server, stop }
}

export type ChaosCall = (
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  idempotencyKey?: string,
) => Promise<{ status: number; body: any }>

/**
 * Requests that retry until the server gives a definitive answer, like a real client: network errors (it is
 * being killed), 5xx and 409 IDEMPOTENCY.IN_FLIGHT are retried with the same Idempotency-Key.
 */
export function retryingClient(server: ServerProcess): ChaosCall {
  return async (method, path, token, body, idempotencyKey) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(server.url + path, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
          signal: AbortSignal.timeout(20_000),
        })
        const json = await res.json().catch(() => ({}))
        const inFlight = res.status === 409 && json?.error?.code === 'IDEMPOTENCY.IN_FLIGHT'
        if (res.status < 500 && !inFlight) return { status: res.status, body: json }
      } catch {
        /* killed mid-request */
      }
      if (attempt > 400) throw new Error(`no definitive answer for ${method} ${path}`)
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
    }
  }
}

/**
 * Works through `items` with `workers` concurrent workers while `server` is SIGKILLed and started again `kills`
 * times. Kills are spread over the work's progress, not the clock (a faster server would finish a small run
 * before its last kill): the k-th lands at a random point of the k-th of kills + 1 slices.
 */
export async function workWhileKilling<T>(
  server: ServerProcess,
  kills: number,
  items: T[],
  workers: number,
  perform: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  let done = false
  const killer = (async () => {
    for (let k = 1; k <= kills && !done; k++) {
      const at = Math.floor((items.length * (k - 0.5 + Math.random() * 0.5)) / (kills + 1))
      while (!done && next < at) await new Promise((r) => setTimeout(r, 10))
      if (done) break
      await server.kill()
      await server.start()
    }
  })()
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < items.length) {
          const index = next++
          await perform(items[index]!, index)
        }
      }),
    )
  } finally {
    done = true
    await killer
  }
}

/** Every wallet replayed from its entries: the differences from the stored balances (none expected). */
export async function replayDifferences(conn: Connection) {
  return (await replayCheck(new LedgerService(conn, new MemberRepo(conn)))).differences
}

/** A store open all day, as the chaos runs need one. */
export function createOpenStore(conn: Connection, id: string, name: string) {
  return storeModel(conn).create({ _id: id, name, floor: 'L1', category: '零售', opensAt: '00:00', closesAt: '23:59' })
}

/** The chaos runs' coupon: 1 hour of parking for 20 points, claimable from yesterday to tomorrow. */
export function chaosParkingTemplate(name: string, stock: number, perMemberLimit: number) {
  return {
    name,
    type: 'parking',
    parkingHours: 1,
    stock,
    perMemberLimit,
    pricePoints: 20,
    claimStart: new Date(Date.now() - 86400_000).toISOString(),
    claimEnd: new Date(Date.now() + 86400_000).toISOString(),
    validity: { kind: 'relative', days: 3 },
  }
}
