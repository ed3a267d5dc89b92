import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Connection } from 'mongoose'
import { loadConfig } from '@mall/config'
import { DEFAULT_EARNING_RULES } from '@mall/shared'
import { connectDatabase } from '../server/src/db/connect'
import { TokenService } from '../server/src/modules/auth/tokens'
import { couponModels } from '../server/src/modules/coupons/coupon.model'
import { storeModel } from '../server/src/modules/stores/store.model'
import { templateInput } from '../test/support/coupon-helpers'
import { cpuMs } from './process-cpu'
import { growMembers, seedHeldCoupons, welcomeHead } from './seed-members'

/**
 * Throughput of the main routes against a baseline route that does one findOne by _id through the
 * same Koa + mongoose stack, measured in the same run. The server runs as its own process (the
 * compiled build plus the baseline route, bench/bench-server.js); autocannon loads it from here.
 * The test command runs a short pass at 1k members; BENCH_SIZE=full (npm run bench) runs longer
 * passes at 1k, 10k and 100k members.
 */
const FULL = process.env.BENCH_SIZE === 'full'
// BENCH_SIZES=10000 / BENCH_SECONDS=5 narrow a run while working on one route.
const SIZES = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : FULL
    ? [1_000, 10_000, 100_000]
    : [1_000]
// Seconds per slice; a route runs ROUNDS slices, each between two baseline slices (see the loop).
const DURATION = Number(process.env.BENCH_SECONDS) || (FULL ? 4 : 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS) || (FULL ? 3 : 1)
// BENCH_ROUTES=purchases,claim runs only the routes whose name contains one of the parts.
const ONLY_ROUTES = process.env.BENCH_ROUTES?.split(',')
// BENCH_PROFILE=<dir> writes a V8 CPU profile of the server process there (open it in Chrome DevTools).
const PROFILE_ARGS = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`]
  : []
const CONNECTIONS = 16
const SECRET = 'bench-secret-bench-secret-bench-secret-0'
jest.setTimeout(FULL ? 3_600_000 : 300_000)

interface Row {
  size: number
  route: string
  kind: 'baseline' | 'read' | 'write'
  rps: number
  p50: number
  p99: number
  errors: number
  ratio: number
  /** the lowest and highest ratio of the route's rounds */
  ratioRange?: [number, number]
  /** CPU per request of the server process and of the embedded database (where a request's cost goes) */
  serverMs: number
  dbMs: number
  /**
   * database calls per request (a grouped insert is one), in all and by method and collection
   * (`findOne members`: 1.02)
   */
  calls: number
  callsBy: Record<string, number>
}
const rows: Row[] = []
let db: Connection | undefined
let server: ChildProcess | null = null
let url = ''

/**
 * Each size gets its own database and server process: what a size measures does not depend on what
 * the runs at the smaller size wrote (how many coupons its claim run handed out, say) or cached.
 */
async function startServer(): Promise<Connection> {
  const dbName = `bench_${randomBytes(4).toString('hex')}`
  const config = loadConfig({ DB_NAME: dbName })
  const conn = await connectDatabase(config.db.uri!, dbName)
  db = conn
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })
  server = spawn(process.execPath, [...PROFILE_ARGS, path.join(__dirname, 'bench-server.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: config.db.uri!,
      DB_NAME: dbName,
      PORT: String(port),
      JWT_SECRET: SECRET,
      MEMBER_CODE_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      WELCOME_POINTS: '0',
      RATE_LOGIN_PER_MINUTE: '10000000',
      RATE_SCAN_PER_MINUTE: '10000000',
      RATE_CLAIM_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    server!.stdout!.once('data', () => resolve())
    server!.once('exit', (code) => reject(new Error(`bench server exited ${code}`)))
  })
  url = `http://127.0.0.1:${port}`
  return conn
}

async function stopServer(): Promise<void> {
  const stopping = server
  server = null
  if (stopping && stopping.exitCode === null)
    await new Promise((resolve) => stopping.once('exit', resolve).kill('SIGTERM'))
  await db?.dropDatabase().catch(() => undefined)
  await db?.close()
  db = undefined
}

afterAll(async () => {
  await stopServer()
  const dir = path.resolve(__dirname, '../test-results/bench')
  mkdirSync(dir, { recursive: true })
  const table = [
    '| members | route | kind | req/s | p50 ms | p99 ms | errors/non-2xx | × baseline | ' +
      'server CPU ms/req | database CPU ms/req | database calls/req |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.route} | ${r.kind} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratioCell(r)} | ` +
        `${r.serverMs.toFixed(2)} | ${r.dbMs.toFixed(2)} | ${r.calls.toFixed(2)} |`,
    ),
  ].join('\n')
  writeFileSync(path.join(dir, 'api-bench.md'), `${table}\n`)
  writeFileSync(path.join(dir, 'api-bench.json'), JSON.stringify(rows, null, 2))
  process.stdout.write(`\n${table}\n`)
})

function ratioCell(r: Row): string {
  const range =
    r.ratioRange && r.ratioRange[0] !== r.ratioRange[1] ? ` (${r.ratioRange.map((x) => x.toFixed(2)).join('–')})` : ''
  return `${r.ratio.toFixed(2)}${range}`
}

/** The bench server's count of database calls since the last call (and resets it). */
async function callsSince(): Promise<Record<string, number>> {
  return (await fetch(`${url}/api/bench/calls`)).json() as Promise<Record<string, number>>
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

type Req = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }

/** `firstRequest`: where in the member stride this run starts (see the routes' loop). */
async function run(route: string, requestFor: (i: number) => Req, duration = DURATION, firstRequest = 0) {
  let i = firstRequest
  const dbPid = Number(process.env.DEVDB_PID) // unset when MONGODB_URI points elsewhere: no database column
  await callsSince()
  const cpu0 = { server: cpuMs(server!.pid!), db: dbPid ? cpuMs(dbPid) : 0 }
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requestFor(i++) }) }],
  } as never)
  const served = Math.max(1, result.requests.total)
  const next = i
  const callsBy = Object.fromEntries(
    Object.entries(await callsSince()).map(([k, n]) => [k, Number((n / served).toFixed(2))]),
  )
  return {
    calls: Object.values(callsBy).reduce((a, b) => a + b, 0),
    callsBy,
    route,
    next,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    serverMs: (cpuMs(server!.pid!) - cpu0.server) / served,
    dbMs: dbPid ? (cpuMs(dbPid) - cpu0.db) / served : 0,
  }
}

/** Several runs of one route as one row: mean rates and costs, the slowest p50 and p99, all errors. */
function combined(route: string, runs: Awaited<ReturnType<typeof run>>[]) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.callsBy)))]
  return {
    route,
    rps: Math.round(mean(runs.map((r) => r.rps))),
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    serverMs: mean(runs.map((r) => r.serverMs)),
    dbMs: mean(runs.map((r) => r.dbMs)),
    calls: mean(runs.map((r) => r.calls)),
    callsBy: Object.fromEntries(keys.map((k) => [k, Number(mean(runs.map((r) => r.callsBy[k] ?? 0)).toFixed(2))])),
  }
}

describe('API throughput against the findOne baseline', () => {
  it.each(SIZES)('with %i members in the database', async (size) => {
    await stopServer()
    const conn = await startServer()
    const now = new Date()
    const ids = await growMembers(conn, [], size, now)
    const tokens = new TokenService({ secret: SECRET, accessTtlSeconds: 3600, refreshTtlSeconds: 7200 })
    const tokenOf = new Map(ids.map((id) => [id, tokens.sign('member', { sub: id }, now).token]))
    await storeModel(conn).updateOne(
      { _id: 'BS' },
      {
        $set: {
          name: 'Bench',
          floor: 'L1',
          category: '零售',
          opensAt: '00:00',
          closesAt: '23:59',
          active: true,
          multiplierPermille: 1000,
        },
      },
      { upsert: true },
    )
    // A mall's purchases come from many tills: 32 staff accounts take turns (one account doing
    // hundreds of awards a second would be a fraud signal, and its day totals one hot document).
    const STAFF = 32
    const staffTokens = Array.from(
      { length: STAFF },
      (_, n) => tokens.sign('staff', { sub: `bench-staff-${n}`, role: 'manager', storeId: 'BS' }, now).token,
    )
    const templateId = String(200_000 + size)
    // Members claim again when the run outlasts the member list: a high per-member limit keeps those 200s.
    await couponModels(conn).Template.collection.insertOne({
      ...templateInput({ stock: null, perMemberLimit: 100, name: `bench-${size}` }),
      _id: templateId,
      status: 'active',
      createdAt: now,
      createdBy: 'bench',
    } as never)
    // What the coupon centre reads for a member holding coupons of an open template (2 reads each):
    // every 10th member holds two, written as a claim writes them.
    const heldId = String(300_000 + size)
    await couponModels(conn).Template.collection.insertOne({
      ...templateInput({ stock: null, perMemberLimit: 5, name: `held-${size}` }),
      _id: heldId,
      status: 'active',
      createdAt: now,
      createdBy: 'bench',
    } as never)
    await seedHeldCoupons(conn, ids, heldId, now)
    // One bench staff account awards far more per hour than a real clerk may: lift the staff caps.
    await conn
      .collection('program_rules')
      .updateOne(
        { _id: 'current' as never },
        { $set: { earning: { ...DEFAULT_EARNING_RULES, staffHourlyCapFen: 1e12, staffDailyCapFen: 1e12 } } },
        { upsert: true },
      )

    const pick = (i: number) => ids[(i * 7919) % ids.length]!
    const member = (i: number) => ({ authorization: `Bearer ${tokenOf.get(pick(i))}` })
    const json = { 'content-type': 'application/json' }
    const scannedHead = tokens.seal(welcomeHead(now))
    const run_ = `${size}-${Date.now().toString(36)}`

    // Warm-up (not recorded): JIT and connection pools; it starts the stride where no route does.
    for (const path of ['/api/bench/baseline/x', '/api/me/card', '/api/me/wallet', '/api/coupons']) {
      await run(
        'warm-up',
        (i) => ({
          method: 'GET',
          path: path.endsWith('/x') ? `/api/bench/baseline/${pick(i)}` : path,
          headers: member(i),
        }),
        2,
      )
    }
    const routes: { kind: 'read' | 'write'; route: string; request: (i: number) => Req }[] = [
      {
        kind: 'read',
        route: 'GET /api/me/card',
        request: (i) => ({ method: 'GET', path: '/api/me/card', headers: member(i) }),
      },
      {
        kind: 'read',
        route: 'GET /api/me/wallet',
        request: (i) => ({ method: 'GET', path: '/api/me/wallet', headers: member(i) }),
      },
      {
        kind: 'read',
        route: 'GET /api/coupons',
        request: (i) => ({ method: 'GET', path: '/api/coupons', headers: member(i) }),
      },
      {
        kind: 'write',
        route: 'POST /api/me/checkin',
        request: (i) => ({ method: 'POST', path: '/api/me/checkin', headers: { ...member(i), ...json }, body: '{}' }),
      },
      {
        kind: 'write',
        route: 'POST /api/staff/purchases',
        request: (i) => ({
          method: 'POST',
          path: '/api/staff/purchases',
          headers: { authorization: `Bearer ${staffTokens[i % STAFF]}`, ...json },
          // The token the scan endpoint signs: member, staff member, store and what it showed of the member
          // (tier 1, not invited, the wallet's head after the welcome entry; members an earlier route
          // posted to have a newer head in the server's cache, which the posting starts from instead).
          body: JSON.stringify({
            scanToken: tokens.sign(
              'scan',
              {
                sub: pick(i),
                staffId: `bench-staff-${i % STAFF}`,
                storeId: 'BS',
                tier: 1,
                invited: false,
                head: scannedHead,
              },
              now,
            ).token,
            receiptNo: `B${run_}-${i}`,
            amountFen: 12_300,
          }),
        }),
      },
      {
        kind: 'write',
        route: 'POST /api/coupons/:id/claim',
        request: (i) => ({
          method: 'POST',
          path: `/api/coupons/${templateId}/claim`,
          headers: { ...member(i), ...json },
          body: '{}',
        }),
      },
    ]
    // The baseline runs between the routes' slices (before the first, after each), and each slice is
    // compared with the mean of the two baseline slices around it: on a shared 2-core box one baseline
    // sample can be off by a fifth (the box's other load comes and goes), and the database grows as the
    // write routes run. A route's ratio is the mean over its rounds; the table gives their range.
    const baselineRun = () =>
      run('findOne baseline', (i) => ({ method: 'GET', path: `/api/bench/baseline/${pick(i)}`, headers: {} }))
    const baselines = [await baselineRun()]
    const results: Omit<Row, 'size'>[] = []
    // Each route starts at its own place in the stride and its rounds go on from where the last ended:
    // at 100k members no route meets a member an earlier route (or the warm-up) put in a cache; at 1k
    // and 10k every run covers most members anyway.
    for (const [n, r] of routes.entries()) {
      if (ONLY_ROUTES && !ONLY_ROUTES.some((part) => r.route.includes(part))) continue
      const slices: (Awaited<ReturnType<typeof run>> & { ratio: number })[] = []
      let next = Math.floor(((n + 1) * ids.length) / (routes.length + 1))
      for (let round = 0; round < ROUNDS; round++) {
        const measured = await run(r.route, r.request, DURATION, next)
        next = measured.next
        baselines.push(await baselineRun())
        const around = (baselines.at(-2)!.rps + baselines.at(-1)!.rps) / 2
        slices.push({ ...measured, ratio: around > 0 ? measured.rps / around : 0 })
      }
      process.stdout.write(
        `${size} ${r.route} rounds: ${slices.map((x) => `${x.rps} req/s ${x.ratio.toFixed(2)}×`).join(', ')}\n`,
      )
      results.push({
        kind: r.kind,
        ...combined(r.route, slices),
        ratio: mean(slices.map((s) => s.ratio)),
        ratioRange: [Math.min(...slices.map((s) => s.ratio)), Math.max(...slices.map((s) => s.ratio))],
      })
    }
    const rpsList = baselines.map((b) => b.rps)
    process.stdout.write(`baseline ${size}: ${rpsList.join(', ')} req/s\n`)
    const baseline = combined(
      `findOne baseline (${Math.min(...rpsList)}–${Math.max(...rpsList)} over ${rpsList.length} runs)`,
      baselines,
    )
    rows.push({ size, kind: 'baseline', ...baseline, ratio: 1 })
    for (const r of results) rows.push({ size, ...r })
    for (const r of results) process.stdout.write(`${size} ${r.route}: ${JSON.stringify(r.callsBy)}\n`)
    expect(baseline.rps).toBeGreaterThan(0)
    for (const r of results) expect(r.rps).toBeGreaterThan(0)
  })
})
