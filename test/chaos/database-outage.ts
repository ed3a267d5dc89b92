import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Connection } from 'mongoose'
import { connectDatabase } from '../../server/src/db/connect'
import { staffModel } from '../../server/src/modules/staff/staff.model'
import { StaffService } from '../../server/src/modules/staff/staff.service'
import { acceptsConnections, databaseProcessesOn } from '../support/processes'
import { freePort, ServerProcess } from '../support/server-process'

/**
 * What database-kill.test.ts runs on: the compiled server starting and supervising an embedded database of its
 * own (so the test can SIGKILL that database and see the server bring it back), and a client that retries
 * through the outage and measures it.
 */
const SECRET = 'dbkill-secret-dbkill-secret-dbkill-secr'

export interface SupervisedDatabase {
  server: ServerProcess
  /** the test's own connection to the database the server started */
  conn: Connection
  /** the database's data directory, unique to this run: how its process is found */
  dataDir: string
  /** the loopback port the server starts (and restarts) its database on */
  dbPort: number
}

/** The server on an embedded database it starts itself, with operator dbkill-op (password dbkill-pass). */
export async function startServerWithItsDatabase(): Promise<SupervisedDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mall-dbkill-'))
  const dbPort = await freePort()
  const dbName = `dbkill_${randomBytes(3).toString('hex')}`
  const dbUri = `mongodb://127.0.0.1:${dbPort}/`
  const server = new ServerProcess(
    {
      DEVDB_DATA_DIR: dataDir,
      DEVDB_PORT: String(dbPort),
      DB_NAME: dbName,
      JWT_SECRET: SECRET,
      MEMBER_CODE_SECRET: SECRET,
      DEV_LOGIN: 'true',
      // warn: the supervisor's exits, restart attempts and restarts and the gate's down/up, told on a failure
      LOG_LEVEL: 'warn',
      RATE_LOGIN_PER_MINUTE: '1000000',
      RATE_CLAIM_PER_MINUTE: '1000000',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      OPERATOR_TOTP: 'false', // operators' second factor has its own tests
    },
    await freePort(),
  )
  await server.start()
  const conn = await connectDatabase(dbUri, dbName)
  await staffModel(conn).create({
    _id: 'dbkill-op',
    displayName: 'dbkill-op',
    role: 'operator',
    storeId: null,
    passwordHash: await StaffService.hashPassword('dbkill-pass'),
  })
  return { server, conn, dataDir, dbPort }
}

/**
 * What a database that does not come back looks like from outside, to tell a restart that never happened or
 * hung (no process, or one not accepting) from a server that does not reconnect (the test's own connection
 * pings it): the processes on the data directory, the port, a ping, and the server's log lines about its
 * database (exits, restart attempts, restarts, 503s on and off) in order.
 */
export async function outageReport({ server, dataDir, dbPort, conn }: SupervisedDatabase): Promise<string> {
  const processes = databaseProcessesOn(dataDir)
  const accepts = await acceptsConnections(dbPort)
  const ping = await Promise.race([
    conn.db!.command({ ping: 1 }).then(
      () => 'answers',
      (err: unknown) => `fails (${String(err)})`,
    ),
    new Promise((r) => setTimeout(() => r('no answer in 2 s'), 2_000)),
  ])
  const log = server.recentLog.filter((l) => /database/.test(l))
  return [
    `database processes on ${dataDir}: ${processes.length ? processes.join(' | ') : 'none'}`,
    `port ${dbPort} accepts connections: ${accepts}; the test's own connection's ping: ${ping}`,
    `server's database log (${log.length} lines):`,
    ...log,
  ].join('\n')
}

/** The embedded database process the server started (found by its unique data directory). */
export function databasePid(dataDir: string): number {
  const line = databaseProcessesOn(dataDir)[0]
  if (!line) throw new Error('embedded database process not found')
  return Number(line.trim().split(/\s+/)[0])
}

export interface Seen {
  statuses: Record<string, number>
  worst503Ms: number
  worst503: string
  /** every 503: when its request was sent and when it was answered */
  answered503s: { sentAt: number; at: number }[]
  slowest: number
  bad: string[]
  /** final answers a write must never get, retried through the outage (a registration told 404) */
  unexpected: string[]
}

/** Requests to `server` through the kills of its database, and what their answers were. */
export class OutageClient {
  readonly seen: Seen = {
    statuses: {},
    worst503Ms: 0,
    worst503: '',
    answered503s: [],
    slowest: 0,
    bad: [],
    unexpected: [],
  }
  /** set by the killer between a kill and the server's ready answer: told in a call's answers */
  databaseDown = false
  /** set when the killer gives up (the database never came back): calls stop retrying */
  killerGaveUp = false
  /** When each kill was. */
  readonly kills: number[] = []

  constructor(private readonly server: ServerProcess) {}

  /** The answer a call ends with must be one of `allowed` (status, or status and error code). */
  expectAnswer = (call: string, res: { status: number; body: any }, allowed: string[]): void => {
    const label = `${res.status}${res.body?.error?.code ? ` ${res.body.error.code}` : ''}`
    if (!allowed.includes(label) && !allowed.includes(String(res.status)))
      this.seen.unexpected.push(`${call}: ${label}`)
  }

  /** One request, retried (same Idempotency-Key) through 503s and cut connections until it is answered. */
  call = async (method: string, url: string, token: string | null, body?: unknown, key?: string) => {
    const seen = this.seen
    const answers: string[] = [] // this call's answers, told when it never gets one that counts
    for (let attempt = 0; attempt < 600 && !this.killerGaveUp; attempt++) {
      const started = Date.now()
      try {
        const res = await fetch(this.server.url + url, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
          signal: AbortSignal.timeout(10_000),
        })
        const json = (await res.json().catch(() => ({}))) as any
        const ms = Date.now() - started
        seen.slowest = Math.max(seen.slowest, ms)
        const label = `${res.status}${json?.error?.code ? ` ${json.error.code}` : ''}`
        seen.statuses[label] = (seen.statuses[label] ?? 0) + 1
        answers.push(`${label} in ${ms} ms${this.databaseDown ? ' (down)' : ''}`)
        if (res.status >= 500) {
          if (res.status !== 503 || json?.error?.code !== 'SERVICE.UNAVAILABLE' || !res.headers.get('retry-after'))
            seen.bad.push(`${method} ${url}: ${label}`)
          seen.answered503s.push({ sentAt: started, at: Date.now() })
          if (ms > seen.worst503Ms) seen.worst503 = `${method} ${url} ${label}`
          seen.worst503Ms = Math.max(seen.worst503Ms, ms)
        } else if (!(res.status === 409 && json?.error?.code === 'IDEMPOTENCY.IN_FLIGHT')) {
          return { status: res.status, body: json }
        }
      } catch (err) {
        // A hang or a dropped connection; when it was sent tells a wait on the key's first attempt from a hang.
        const killedAt = Math.max(0, ...this.kills.filter((k) => k <= started))
        seen.bad.push(
          `${method} ${url}: no answer (${String(err)}) after ${Date.now() - started} ms, attempt ${attempt + 1}, ` +
            `sent ${started - killedAt} ms after the latest kill${this.databaseDown ? ' (down)' : ''}`,
        )
        answers.push(`no answer: ${String(err)}${this.databaseDown ? ' (down)' : ''}`)
      }
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100))
    }
    const counts: Record<string, number> = {}
    for (const a of answers) counts[a.replace(/ in \d+ ms/, '')] = (counts[a.replace(/ in \d+ ms/, '')] ?? 0) + 1
    throw new Error(
      `no answer for ${method} ${url} (key ${key ?? 'none'}): ${JSON.stringify(counts)}; ` +
        `last: ${answers.slice(-3).join(' | ')}; database down now: ${this.databaseDown}`,
    )
  }

  /**
   * How long each 503 kept its caller waiting once the database was gone: from the latest kill before the
   * answer, or from the request if it came later.
   */
  worst503WhileDownMs(): number {
    return Math.max(
      0,
      ...this.seen.answered503s.map((r) => {
        const killedAt = Math.max(0, ...this.kills.filter((k) => k <= r.at))
        return r.at - Math.max(r.sentAt, killedAt)
      }),
    )
  }
}
