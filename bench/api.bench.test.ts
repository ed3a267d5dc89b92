import path from 'node:path'
import { DEFAULT_EARNING_RULES } from '@mall/shared'
import { TokenService } from '../server/src/modules/auth/tokens'
import { couponModels } from '../server/src/modules/coupons/coupon.model'
import { storeModel } from '../server/src/modules/stores/store.model'
import { templateInput } from '../test/support/coupon-helpers'
import { BenchServer, combined, mean, writeBenchReport, type Req, type Row, type RunResult } from './bench-runner'
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
// Seconds per slice; a route runs ROUNDS slices, each between two baseline slices (see the loop). The
// test command's pass shows every route serves under load (hundreds of requests a slice); the
// figures worth comparing come from npm run bench.
const DURATION = Number(process.env.BENCH_SECONDS) || (FULL ? 4 : 1)
const WARM_UP_SECONDS = FULL ? 2 : 1
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

const rows: Row[] = []
const bench = new BenchServer({ secret: SECRET, nodeArgs: PROFILE_ARGS, connections: CONNECTIONS })
const run = (route: string, requestFor: (i: number) => Req, duration = DURATION, firstRequest = 0) =>
  bench.run(route, requestFor, duration, firstRequest)

afterAll(async () => {
  await bench.stop()
  writeBenchReport(rows)
})

describe('API throughput against the findOne baseline', () => {
  it.each(SIZES)('with %i members in the database', async (size) => {
    await bench.stop()
    const conn = await bench.start()
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
        WARM_UP_SECONDS,
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
      const slices: (RunResult & { ratio: number })[] = []
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
