import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Connection } from 'mongoose'
import { connectDatabase } from '../../server/src/db/connect'
import { replayCheck } from '../../server/src/jobs/replay-check'
import { LedgerService } from '../../server/src/modules/ledger/ledger.service'
import { MemberRepo } from '../../server/src/modules/members/member.repo'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { checkinModels } from '../../server/src/modules/checkin/checkin.model'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { staffModel } from '../../server/src/modules/staff/staff.model'
import { StaffService } from '../../server/src/modules/staff/staff.service'
import { freePort, ServerProcess } from '../support/server-process'

/**
 * The embedded database SIGKILLed under mixed writes (registrations, check-ins, points-priced coupon
 * claims: a two-step saga), the compiled server supervising it. While it is down every answer is a 503
 * SERVICE.UNAVAILABLE with Retry-After within about a second (no 500, no hang); it is back within 10 s
 * of each kill; afterwards every wallet replays, the sagas the kills cut are finished or compensated
 * by the sweeper, and every write acknowledged with a 2xx is there.
 */
const FULL = process.env.CHAOS_SIZE === 'full'
const KILLS = FULL ? 8 : 3
const CLIENTS = 8
const MEMBERS = 24
const STOCK = 40
const LIMIT = 2
jest.setTimeout(FULL ? 1_200_000 : 300_000)

const SECRET = 'dbkill-secret-dbkill-secret-dbkill-secr'
let server: ServerProcess
let conn: Connection
let dataDir: string
let dbUri: string

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mall-dbkill-'))
  const dbPort = await freePort()
  const dbName = `dbkill_${randomBytes(3).toString('hex')}`
  dbUri = `mongodb://127.0.0.1:${dbPort}/`
  server = new ServerProcess(
    {
      DEVDB_DATA_DIR: dataDir,
      DEVDB_PORT: String(dbPort),
      DB_NAME: dbName,
      JWT_SECRET: SECRET,
      MEMBER_CODE_SECRET: SECRET,
      DEV_LOGIN: 'true',
      LOG_LEVEL: 'error',
      RATE_LOGIN_PER_MINUTE: '1000000',
      RATE_CLAIM_PER_MINUTE: '1000000',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      OPERATOR_TOTP: 'false', // operators' second factor has its own tests
    },
    await freePort(),
  )
  await server.start()
  conn = await connectDatabase(dbUri, dbName)
  await staffModel(conn).create({
    _id: 'dbkill-op',
    displayName: 'dbkill-op',
    role: 'operator',
    storeId: null,
    passwordHash: await StaffService.hashPassword('dbkill-pass'),
  })
})
afterAll(async () => {
  await conn?.close().catch(() => undefined)
  await server?.stop()
})

/** The embedded database process the server started (found by its unique data directory). */
function databasePid(): number {
  const lines = execFileSync('ps', ['-eo', 'pid=,args=']).toString().split('\n')
  const line = lines.find((l) => l.includes(`-data-dir ${dataDir}`) && !l.includes(' ps '))
  if (!line) throw new Error('embedded database process not found')
  return Number(line.trim().split(/\s+/)[0])
}

interface Seen {
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
const seen: Seen = {
  statuses: {},
  worst503Ms: 0,
  worst503: '',
  answered503s: [],
  slowest: 0,
  bad: [],
  unexpected: [],
}

/** The answer a call ends with must be one of `allowed` (status, or status and error code). */
function expectAnswer(call: string, res: { status: number; body: any }, allowed: string[]): void {
  const label = `${res.status}${res.body?.error?.code ? ` ${res.body.error.code}` : ''}`
  if (!allowed.includes(label) && !allowed.includes(String(res.status))) seen.unexpected.push(`${call}: ${label}`)
}
let databaseDown = false
let killerGaveUp = false
/** When each kill was. */
const kills: number[] = []

/** One request, retried (same Idempotency-Key) through 503s and cut connections until it is answered. */
async function call(method: string, url: string, token: string | null, body?: unknown, key?: string) {
  const answers: string[] = [] // this call's answers, told when it never gets one that counts
  for (let attempt = 0; attempt < 600 && !killerGaveUp; attempt++) {
    const started = Date.now()
    try {
      const res = await fetch(server.url + url, {
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
      answers.push(`${label} in ${ms} ms${databaseDown ? ' (down)' : ''}`)
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
      seen.bad.push(`${method} ${url}: no answer (${String(err)})`) // a hang or a dropped connection
      answers.push(`no answer: ${String(err)}${databaseDown ? ' (down)' : ''}`)
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 100))
  }
  const counts: Record<string, number> = {}
  for (const a of answers) counts[a.replace(/ in \d+ ms/, '')] = (counts[a.replace(/ in \d+ ms/, '')] ?? 0) + 1
  throw new Error(
    `no answer for ${method} ${url} (key ${key ?? 'none'}): ${JSON.stringify(counts)}; ` +
      `last: ${answers.slice(-3).join(' | ')}; database down now: ${databaseDown}`,
  )
}

it(
  `${KILLS} SIGKILLs of the embedded database under mixed ` + `writes: 503s only, back within 10 s, nothing lost`,
  async () => {
    const operator = (
      await call('POST', '/api/staff/auth/login', null, { username: 'dbkill-op', password: 'dbkill-pass' })
    ).body.accessToken
    const template = (
      await call('POST', '/api/ops/coupon-templates', operator, {
        name: '断库测试券',
        type: 'parking',
        parkingHours: 1,
        stock: STOCK,
        perMemberLimit: LIMIT,
        pricePoints: 20,
        claimStart: new Date(Date.now() - 86400_000).toISOString(),
        claimEnd: new Date(Date.now() + 86400_000).toISOString(),
        validity: { kind: 'relative', days: 3 },
      })
    ).body._id as string
    const members: { id: string; token: string }[] = []
    for (let i = 0; i < MEMBERS; i++) {
      const login = (await call('POST', '/api/auth/dev-login', null, { devUser: `dbkill-${i}` })).body
      members.push({ id: login.member.memberId, token: login.accessToken })
    }

    const claimed: { memberId: string; couponId: string }[] = []
    const checkedIn: string[] = []
    const registered: string[] = []
    const recoveries: number[] = []
    let done = false
    const killer = (async () => {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, 1_500 + Math.random() * 1_500))
        const killedAt = Date.now()
        kills.push(killedAt)
        process.kill(databasePid(), 'SIGKILL')
        databaseDown = true
        await new Promise((r) => setTimeout(r, 50))
        for (;;) {
          const ready = await fetch(`${server.url}/api/health/ready`).catch(() => null)
          if (ready?.status === 200) break
          if (Date.now() - killedAt > 30_000) throw new Error('database not back within 30 s')
          await new Promise((r) => setTimeout(r, 50))
        }
        databaseDown = false
        recoveries.push(Date.now() - killedAt)
      }
    })()
      // A database that never came back stops the clients (their retries too); `await killer` says why.
      .catch((err: unknown) => {
        killerGaveUp = true
        throw err
      })
      .finally(() => (done = true))
    let op = 0
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (!done) {
          const n = op++
          const m = members[n % MEMBERS]!
          const key = `dbkill-${n}-${randomBytes(3).toString('hex')}`
          switch (n % 4) {
            case 0: {
              const res = await call('POST', `/api/coupons/${template}/claim`, m.token, {}, key)
              expectAnswer('claim', res, [
                '200',
                '409 COUPON.LIMIT_REACHED',
                '409 COUPON.SOLD_OUT',
                '409 POINTS.INSUFFICIENT',
              ])
              if (res.status === 200) claimed.push({ memberId: m.id, couponId: res.body.couponId })
              break
            }
            case 1: {
              const res = await call('POST', '/api/me/checkin', m.token, {})
              expectAnswer('check-in', res, ['200'])
              if (res.status === 200) checkedIn.push(m.id)
              break
            }
            case 2: {
              const res = await call('POST', '/api/auth/dev-login', null, { devUser: `dbkill-new-${key}` })
              expectAnswer('registration', res, ['200'])
              if (res.status === 200) registered.push(res.body.member.memberId)
              break
            }
            default:
              expectAnswer('card', await call('GET', '/api/me/card', m.token), ['200'])
          }
        }
      }),
    ).catch(async (err: unknown) => {
      await killer // its failure, if it gave up, is the cause
      throw err
    })
    await killer
    // How long each 503 kept its caller waiting once the database was gone: from the latest kill
    // before the answer, or from the request if it came later.
    const worst503WhileDownMs = Math.max(
      0,
      ...seen.answered503s.map((r) => {
        const killedAt = Math.max(0, ...kills.filter((k) => k <= r.at))
        return r.at - Math.max(r.sentAt, killedAt)
      }),
    )
    process.stdout.write(
      `database kills: ${op} ops, recoveries ${JSON.stringify(recoveries)} ms, ` +
        `longest wait for a 503 after the database went ${worst503WhileDownMs} ms, ` +
        `slowest 503 of all ${seen.worst503Ms} ms (${seen.worst503}), ` +
        `slowest answer ${seen.slowest} ms, answers ${JSON.stringify(seen.statuses)}\n`,
    )
    expect(seen.bad).toEqual([])
    expect(seen.unexpected).toEqual([])
    expect(Object.keys(seen.statuses).filter((s) => s.startsWith('500'))).toEqual([])
    expect(seen.statuses['503 SERVICE.UNAVAILABLE'] ?? 0).toBeGreaterThan(0)
    // Fail fast while it is down. A request already waiting when the database went (a retry waits up to
    // 10 s for its key's first attempt) is answered then: counted from the kill, not from its sending.
    // Bounds with room for a shared CI machine; measured figures are printed above. A hang is `bad`.
    expect(worst503WhileDownMs).toBeLessThanOrEqual(1_500)
    expect(Math.max(...recoveries)).toBeLessThanOrEqual(10_000)

    // Claims the kills cut between paying and issuing: the server's sweeper settles them (30 s old).
    const { Coupon } = couponModels(conn)
    const settleStarted = Date.now()
    while ((await Coupon.countDocuments({ state: 'pending_payment' })) > 0 && Date.now() - settleStarted < 90_000)
      await new Promise((r) => setTimeout(r, 1_000))
    expect(await Coupon.countDocuments({ state: 'pending_payment' })).toBe(0)

    const report = await replayCheck(new LedgerService(conn, new MemberRepo(conn)))
    expect(report.differences).toEqual([])
    // Every acknowledged write is there.
    for (const c of claimed) expect(await Coupon.exists({ _id: c.couponId, memberId: c.memberId })).toBeTruthy()
    const { Checkin } = checkinModels(conn)
    for (const memberId of checkedIn) expect(await Checkin.exists({ memberId })).toBeTruthy()
    for (const memberId of registered)
      expect(await conn.collection('members').countDocuments({ _id: memberId as never })).toBe(1)
    // Stock and limits hold, and each coupon is paid for once.
    const coupons = await Coupon.find({ templateId: template }).lean()
    expect(coupons.length).toBeLessThanOrEqual(STOCK)
    const perMember = new Map<string, number>()
    for (const c of coupons) perMember.set(c.memberId, (perMember.get(c.memberId) ?? 0) + 1)
    expect(Math.max(0, ...perMember.values())).toBeLessThanOrEqual(LIMIT)
    const payments = (await ledgerModels(conn).Entry.find({ type: 'coupon' }, { eventKey: 1 }).lean()).map(
      (e) => e.eventKey,
    )
    expect(payments.sort()).toEqual(coupons.map((c) => `coupon:${c._id}:${c.claimId}`).sort())
  },
)
