import { randomBytes } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import { jobLeaseModel } from '../../server/src/jobs/job-lease'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { checkinModels } from '../../server/src/modules/checkin/checkin.model'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { staffModel } from '../../server/src/modules/staff/staff.model'
import { StaffService } from '../../server/src/modules/staff/staff.service'
import { chaosParkingTemplate, chaosServerEnv, freshDatabase, replayDifferences } from '../support/chaos-world'
import { freePort, ServerProcess } from '../support/server-process'
import { startRoundRobinProxy } from './round-robin-proxy'
import { blockSize } from '../../server/src/http/rate-limit-store'
import { startWechatStub, type WechatStub } from '../support/wechat-stub'
import {
  MESSAGE_JOBS_EVERY_S,
  messageEnv,
  messagedMember,
  messagesSentTwice,
  subscribeAgain,
  type MessagedMember,
} from './cluster-messages'

/**
 * Several instances on one database: 3 compiled server processes behind a round-robin proxy, mixed
 * traffic from clients that retry with their Idempotency-Keys, random instances SIGKILLed and started
 * again. Afterwards every wallet replays, stock and per-member limits hold, every acknowledged write is
 * there, each job ran at most once per period (its lease), no WeChat message went out twice (one stub
 * records every instance's sends; cluster-messages.ts), and a login budget held across instances.
 * Small here; `npm run chaos:cluster` runs the full size.
 */
const FULL = process.env.CHAOS_SIZE === 'full'
const INSTANCES = 3
const OPS = FULL ? 6_000 : 360
const KILLS = FULL ? 15 : 3
const CLIENTS = 12
const MEMBERS = FULL ? 120 : 30
/** members logged in through WeChat, subscribed to the check-in reminder and coupon-expiry notices */
const MESSAGED = FULL ? 40 : 10
const STOCK = FULL ? 200 : 40
const LIMIT = 2
const LOGIN_BUDGET = 200
jest.setTimeout(FULL ? 3_600_000 : 600_000)

const SECRET = 'cluster-secret-cluster-secret-cluster-0'
let conn: Connection
let servers: ServerProcess[]
let proxy: { url: string; close(): Promise<void> }
let stub: WechatStub
const up = new Set<number>()

beforeAll(async () => {
  const db = await freshDatabase('cluster')
  conn = db.conn
  stub = await startWechatStub()
  const env = chaosServerEnv(db, {
    ...messageEnv(stub),
    JWT_SECRET: SECRET,
    MEMBER_CODE_SECRET: SECRET,
    TRUST_PROXY: '1',
    RATE_LOGIN_PER_MINUTE: String(LOGIN_BUDGET),
  })
  servers = []
  for (let i = 0; i < INSTANCES; i++) servers.push(new ServerProcess(env, await freePort()))
  await Promise.all(servers.map((s) => s.start()))
  servers.forEach((_, i) => up.add(i))
  proxy = await startRoundRobinProxy(() => servers.filter((_, i) => up.has(i)).map((s) => s.url))
  await staffModel(conn).create({
    _id: 'cluster-op',
    displayName: 'cluster-op',
    role: 'operator',
    storeId: null,
    passwordHash: await StaffService.hashPassword('cluster-pass'),
  })
})
afterAll(async () => {
  await proxy?.close()
  await Promise.all((servers ?? []).map((s) => s.stop()))
  await stub?.close()
  await conn?.dropDatabase().catch(() => undefined)
  await conn?.close()
})

const answers: Record<string, number> = {}

/** One request through the proxy, retried like a real client through 5xx, 502 and cut connections. */
async function call(method: string, url: string, token: string | null, body: unknown, client: string, key?: string) {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const res = await fetch(proxy.url + url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-test-client': client,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
        // Long: an answer given up on has spent its login budget all the same (the probe counts answers).
        signal: AbortSignal.timeout(90_000),
      })
      const json = (await res.json().catch(() => ({}))) as any
      const label = `${res.status}${json?.error?.code ? ` ${json.error.code}` : ''}`
      answers[label] = (answers[label] ?? 0) + 1
      const inFlight = res.status === 409 && json?.error?.code === 'IDEMPOTENCY.IN_FLIGHT'
      if (res.status < 500 && !inFlight) return { status: res.status, body: json }
    } catch {
      /* an instance killed mid-request */
    }
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
  }
  throw new Error(`no answer for ${method} ${url}`)
}

it(`${INSTANCES} instances, ${OPS}+ operations, ${KILLS} kills: replay exact, limits and leases hold`, async () => {
  const runStarted = new Date()
  const operator = (
    await call('POST', '/api/staff/auth/login', null, { username: 'cluster-op', password: 'cluster-pass' }, '10.9.0.1')
  ).body.accessToken
  const template = (
    await call(
      'POST',
      '/api/ops/coupon-templates',
      operator,
      chaosParkingTemplate('集群测试券', STOCK, LIMIT),
      '10.9.0.1',
    )
  ).body._id as string
  const members: { id: string; token: string }[] = []
  for (let i = 0; i < MEMBERS; i++) {
    const login = (
      await call('POST', '/api/auth/dev-login', null, { devUser: `cluster-${i}` }, `10.1.${i >> 8}.${i & 255}`)
    ).body
    members.push({ id: login.member.memberId, token: login.accessToken })
  }
  // Messaged members claim and read their card like the others but never check in (a member who checked in
  // gets no reminder); each has a coupon early, so the message jobs have work in every period of the traffic.
  const messaged: MessagedMember[] = []
  const firstClaims: { memberId: string; couponId: string }[] = []
  for (let i = 0; i < MESSAGED; i++) {
    const client = `10.3.${i >> 8}.${i & 255}`
    const m = await messagedMember(call, stub, `o-cluster-${i}`, client)
    const first = await call('POST', `/api/coupons/${template}/claim`, m.token, {}, client, `first-${m.openid}`)
    expect(first.status).toBe(200)
    firstClaims.push({ memberId: m.id, couponId: first.body.couponId })
    messaged.push(m)
    members.push(m)
  }

  // A login budget of 200 a minute for one address, hit 2 × 200 times at once through all instances.
  const msIntoWindow = Date.now() % 60_000
  if (msIntoWindow > 45_000) await new Promise((r) => setTimeout(r, 60_000 - msIntoWindow + 50))
  const probe = await Promise.all(
    Array.from({ length: 2 * LOGIN_BUDGET }, () =>
      call('POST', '/api/staff/auth/login', null, { username: 'nobody', password: 'wrong password' }, '10.8.8.8'),
    ),
  )
  const admitted = probe.filter((r) => r.status === 401).length
  expect(probe.filter((r) => r.status !== 401 && r.status !== 429)).toEqual([])
  expect(admitted).toBeLessThanOrEqual(LOGIN_BUDGET)
  // each instance may strand the rest of one block (10 here)
  expect(admitted).toBeGreaterThanOrEqual(LOGIN_BUDGET - INSTANCES * (blockSize(LOGIN_BUDGET) - 1))

  const claimed: { memberId: string; couponId: string }[] = [...firstClaims]
  const checkedIn: string[] = []
  const registered: string[] = []
  let next = 0
  let killsDone = false
  // Kills land at random points of the traffic's k-th of KILLS + 1 slices; traffic goes on until the last.
  const killer = (async () => {
    for (let k = 1; k <= KILLS; k++) {
      const at = Math.floor((OPS * (k - 0.5 + Math.random() * 0.5)) / (KILLS + 1))
      while (next < at) await new Promise((r) => setTimeout(r, 10))
      const victim = Math.floor(Math.random() * INSTANCES)
      up.delete(victim)
      await servers[victim]!.kill()
      await servers[victim]!.start()
      up.add(victim)
    }
    killsDone = true
  })()
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const client = `10.2.0.${c}`
      while (next < OPS || !killsDone) {
        const n = next++
        const m = members[Math.floor(Math.random() * members.length)]!
        const key = `cluster-${n}-${randomBytes(3).toString('hex')}`
        switch (n % 4) {
          case 0: {
            const res = await call('POST', `/api/coupons/${template}/claim`, m.token, {}, client, key)
            if (res.status === 200) claimed.push({ memberId: m.id, couponId: res.body.couponId })
            break
          }
          case 1: {
            const d = members[Math.floor(Math.random() * MEMBERS)]! // not a messaged member
            const res = await call('POST', '/api/me/checkin', d.token, {}, client)
            if (res.status === 200) checkedIn.push(d.id)
            break
          }
          case 2: {
            const res = await call('POST', '/api/auth/dev-login', null, { devUser: `cluster-new-${key}` }, client)
            if (res.status === 200) registered.push(res.body.member.memberId)
            break
          }
          default:
            // Half the card reads are a messaged member subscribing again: to the reminder (none more today)
            // or to one more coupon notice.
            if (n % 8 === 7) {
              const subscriber = messaged[Math.floor(Math.random() * MESSAGED)]!
              await subscribeAgain(call, subscriber, n % 16 === 7 ? 'reminder' : 'notice', client, key)
            } else await call('GET', '/api/me/card', m.token, undefined, client)
        }
      }
    }),
  )
  await killer
  const trafficEnded = new Date()
  const kills = servers.reduce((sum, s) => sum + s.kills, 0)
  process.stdout.write(
    `cluster: ${next} ops, ${kills} kills, login probe ${admitted}/${LOGIN_BUDGET}, ${JSON.stringify(answers)}\n`,
  )
  expect(kills).toBeGreaterThanOrEqual(KILLS)
  expect(Object.keys(answers).filter((a) => a.startsWith('500'))).toEqual([])

  // Claims cut between paying and issuing are settled by whichever instance's sweeper takes the period.
  const { Coupon } = couponModels(conn)
  const settleStarted = Date.now()
  while ((await Coupon.countDocuments({ state: 'pending_payment' })) > 0 && Date.now() - settleStarted < 90_000)
    await new Promise((r) => setTimeout(r, 1_000))
  expect(await Coupon.countDocuments({ state: 'pending_payment' })).toBe(0)

  expect(await replayDifferences(conn)).toEqual([])
  for (const c of claimed) expect(await Coupon.exists({ _id: c.couponId, memberId: c.memberId })).toBeTruthy()
  for (const memberId of checkedIn) expect(await checkinModels(conn).Checkin.exists({ memberId })).toBeTruthy()
  for (const id of registered) expect(await conn.collection('members').countDocuments({ _id: id as never })).toBe(1)
  const coupons = await Coupon.find({ templateId: template }).lean()
  expect(coupons.length).toBeLessThanOrEqual(STOCK)
  const perMember = new Map<string, number>()
  for (const c of coupons) perMember.set(c.memberId, (perMember.get(c.memberId) ?? 0) + 1)
  expect(Math.max(0, ...perMember.values())).toBeLessThanOrEqual(LIMIT)
  const payments = (await ledgerModels(conn).Entry.find({ type: 'coupon' }, { eventKey: 1 }).lean()).map(
    (e) => e.eventKey,
  )
  expect(payments.sort()).toEqual(coupons.map((c) => `coupon:${c._id}:${c.claimId}`).sort())

  // At least one 10-second sweep period of the run is over (and its sweep done, 3 s after its end).
  const SWEEP_MS = 10_000
  const firstPeriod = Math.ceil(runStarted.getTime() / SWEEP_MS) * SWEEP_MS
  const firstOver = firstPeriod + SWEEP_MS + 3_000
  // A timer may fire a millisecond before Date.now() reaches its target: wait until the clock says so.
  while (Date.now() < firstOver) await new Promise((r) => setTimeout(r, firstOver - Date.now() + 20))

  // Both message jobs ran once more after the traffic (its last subscriptions and coupons are in).
  const messageRunAfter = (job: string) =>
    jobLeaseModel(conn).exists({ job, at: trusted({ $gt: trafficEnded }), doneAt: trusted({ $exists: true }) })
  const messagesDue = Date.now() + 6 * MESSAGE_JOBS_EVERY_S * 1000
  while (
    Date.now() < messagesDue &&
    !((await messageRunAfter('notify-expiring')) && (await messageRunAfter('send-checkin-reminders')))
  )
    await new Promise((r) => setTimeout(r, 250))
  // No (member, template, occasion) was sent twice by any instance, and messages did go out.
  const messages = await messagesSentTwice(stub, conn, messaged)
  process.stdout.write(`cluster: ${messages.reminders} reminders, ${messages.notices} coupon notices sent\n`)
  expect(messages.twice).toEqual([])
  expect(messages.reminders).toBeGreaterThan(0)
  expect(messages.notices).toBeGreaterThan(0)

  // Each job period was run to the end by one instance at most, and the sweepers did run.
  const checkedAt = Date.now()
  const leases = await jobLeaseModel(conn)
    .find({ at: trusted({ $gte: runStarted }) })
    .lean()
  const finished = new Map<string, number>()
  for (const l of leases.filter((l) => l.doneAt)) {
    const period = `${l.job}:${l.period}`
    finished.set(period, (finished.get(period) ?? 0) + 1)
  }
  expect([...finished].filter(([, n]) => n > 1)).toEqual([])
  expect(leases.filter((l) => l.job === 'sweep-coupon-claims' && l.doneAt).length).toBeGreaterThan(0)
  // ... and exactly once: every 10-second period of the run got its sweep, but a period whose holder was
  // killed mid-run (nobody takes it over within its 30 s timeout, and by then the period is over).
  const swept = new Set(leases.filter((l) => l.job === 'sweep-coupon-claims' && l.doneAt).map((l) => l.period))
  const periods: string[] = []
  for (let at = firstPeriod; at + SWEEP_MS + 3_000 <= checkedAt; at += SWEEP_MS)
    periods.push(new Date(at).toISOString())
  const unswept = periods.filter((p) => !swept.has(p))
  process.stdout.write(`cluster: sweeps in ${periods.length - unswept.length} of ${periods.length} periods\n`)
  expect(periods.length).toBeGreaterThan(0)
  expect(unswept.length).toBeLessThanOrEqual(kills)
  const holders = new Set(leases.map((l) => l.holder))
  process.stdout.write(
    `cluster: ${leases.length} job leases over ${finished.size} periods, by ${holders.size} processes\n`,
  )
})
