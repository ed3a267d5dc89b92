import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import autocannon from 'autocannon'
import Router from '@koa/router'
import { startTestApi, type TestApi } from '../test/support/api-harness'
import { createTemplate } from '../test/support/coupon-helpers'
import { memberModels } from '../server/src/modules/members/member.model'
import { growMembers } from './seed-members'

/**
 * Throughput of the main routes against a baseline route that does one findOne by _id through the
 * same Koa + mongoose stack, in the same run. The test command runs a short pass at 1k members;
 * BENCH_SIZE=full (npm run bench) runs longer passes at 1k, 10k and 100k members.
 */
const FULL = process.env.BENCH_SIZE === 'full'
const SIZES = FULL ? [1_000, 10_000, 100_000] : [1_000]
const DURATION = FULL ? 10 : 3
const CONNECTIONS = 32
jest.setTimeout(FULL ? 3_600_000 : 300_000)

interface Row { size: number; route: string; kind: 'baseline' | 'read' | 'write'; rps: number; p50: number; p99: number; non2xx: number; ratio: number }
const rows: Row[] = []
let api: TestApi

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0', LOG_LEVEL: 'warn' }, (app, ctx) => {
    const { Member } = memberModels(ctx.conn)
    const router = new Router()
    router.get('/api/bench/baseline/:id', async (c) => {
      c.body = await Member.findOne({ _id: c.params.id }).lean().exec()
    })
    app.use(router.routes())
  })
})
afterAll(async () => {
  const dir = path.resolve(__dirname, '../test-results/bench')
  mkdirSync(dir, { recursive: true })
  const table = ['| members | route | kind | req/s | p50 ms | p99 ms | non-2xx | × baseline |', '|---:|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.size} | ${r.route} | ${r.kind} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.ratio.toFixed(2)} |`)].join('\n')
  writeFileSync(path.join(dir, 'api-bench.md'), `${table}\n`)
  writeFileSync(path.join(dir, 'api-bench.json'), JSON.stringify(rows, null, 2))
  process.stdout.write(`\n${table}\n`)
  await api.stop()
})

async function run(route: string, requestFor: (i: number) => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }) {
  let i = 0
  const result = await autocannon({
    url: api.url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requestFor(i++) }) }],
  } as never)
  return { route, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx }
}

describe('API throughput against the findOne baseline', () => {
  it.each(SIZES)('with %i members in the database', async (size) => {
    const ids = await growMembers(api, (await memberModels(api.conn).Member.find({}, { _id: 1 }).lean()).map((m) => m._id), size)
    const now = api.clock.now()
    const tokenOf = new Map(ids.map((id) => [id, api.ctx.tokens.sign('member', { sub: id }, now).token]))
    await api.addStore('BS')
    const staff = await api.loginStaff('bench-clerk', 'manager', 'BS')
    const operator = (await api.loginStaff('bench-operator', 'operator', null)).accessToken
    const templateId = await createTemplate(api, operator, { stock: null, name: `bench-${size}` })
    const pick = (i: number) => ids[(i * 7919) % ids.length]!
    const member = (i: number) => ({ authorization: `Bearer ${tokenOf.get(pick(i))}` })
    const json = { 'content-type': 'application/json' }
    const receiptRun = `${size}-${Date.now().toString(36)}`

    const baseline = await run('findOne baseline', (i) => ({ method: 'GET', path: `/api/bench/baseline/${pick(i)}`, headers: {} }))
    const results = [
      { kind: 'read' as const, ...(await run('GET /api/me/card', (i) => ({ method: 'GET', path: '/api/me/card', headers: member(i) }))) },
      { kind: 'read' as const, ...(await run('GET /api/me/wallet', (i) => ({ method: 'GET', path: '/api/me/wallet', headers: member(i) }))) },
      { kind: 'read' as const, ...(await run('GET /api/coupons', (i) => ({ method: 'GET', path: '/api/coupons', headers: member(i) }))) },
      { kind: 'write' as const, ...(await run('POST /api/me/checkin', (i) => ({ method: 'POST', path: '/api/me/checkin', headers: { ...member(i), ...json }, body: '{}' }))) },
      {
        kind: 'write' as const,
        ...(await run('POST /api/staff/purchases', (i) => ({
          method: 'POST', path: '/api/staff/purchases', headers: { authorization: `Bearer ${staff.accessToken}`, ...json },
          body: JSON.stringify({ scanToken: api.ctx.tokens.sign('scan', { sub: pick(i), staffId: 'bench-clerk', storeId: 'BS' }, now).token, receiptNo: `B${receiptRun}-${i}`, amountFen: 12_300 }),
        }))),
      },
      { kind: 'write' as const, ...(await run('POST /api/coupons/:id/claim', (i) => ({ method: 'POST', path: `/api/coupons/${templateId}/claim`, headers: { ...member(i), ...json }, body: '{}' }))) },
    ]
    rows.push({ size, kind: 'baseline', ...baseline, ratio: 1 })
    for (const r of results) rows.push({ size, ...r, ratio: baseline.rps > 0 ? r.rps / baseline.rps : 0 })
    expect(baseline.rps).toBeGreaterThan(0)
    for (const r of results) expect(r.rps).toBeGreaterThan(0)
  })
})
