import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { addDays, shanghaiDay } from '@mall/shared'
import { startTestApi, type TestApi } from '../test/support/api-harness'
import { seedDemo } from '../server/src/seed/demo'
import { ledgerModels } from '../server/src/modules/ledger/ledger.model'

/**
 * What the console's KPI dashboard costs on the demo mall, as a multiple of one full read of the
 * ledger in the same run (on FerretDB v1 every find not by `_id` is a full scan, and the ledger is the
 * largest collection: a yardstick that moves with the box's load). The dashboard asks for its period
 * and the period before at once. It reads the ledger through day rows by `_id` and the open day's facts
 * (server/src/modules/ops/ledger-days.ts), the posted purchases the same way (ops/purchase-days.ts, kept
 * in the process between loads), so what it costs is the scans of the members and the range's check-ins;
 * it used to scan the purchases too (0.69–1.11× at 1,000 members), before that one ledger pass plus those
 * (1.47–1.65×), and six ledger passes before that. Written to test-results/bench/kpi-dashboard.md;
 * no timing is asserted. BENCH_KPI_MEMBERS sizes the mall (default 1,000; `--demo` seeds 3,000).
 */
const MEMBERS = Number(process.env.BENCH_KPI_MEMBERS) || 1_000
jest.setTimeout(600_000)

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  await seedDemo(api.ctx, api.conn, { mall: { members: MEMBERS, stores: 100, months: 12 } })
})
afterAll(() => api.stop())

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - started) / 1e6
}

it('times the dashboard against one ledger scan', async () => {
  const now = new Date()
  const to = shanghaiDay(now)
  const from = addDays(to, -29)
  const before = { from: addDays(from, -30), to: addDays(from, -1) }
  const ledgerScan = () => ledgerModels(api.conn).Entry.find({}).lean().exec()
  const dashboard = () =>
    Promise.all([api.ctx.services.kpis.report({ from, to }, now), api.ctx.services.kpis.report(before, now)])
  const rows: string[] = []
  for (let round = 1; round <= 3; round++) {
    const baseline = await timed(ledgerScan)
    const ms = await timed(dashboard)
    rows.push(`| ${round} | ${baseline.toFixed(0)} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(2)} |`)
  }
  const table = [
    `# KPI dashboard, ${MEMBERS} members (${new Date().toISOString()})`,
    '',
    '| round | one ledger scan ms | dashboard (2 reports at once) ms | × ledger scan |',
    '|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n')
  const dir = path.resolve(__dirname, '../test-results/bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'kpi-dashboard.md'), table)
  console.log(table)
  expect(rows).toHaveLength(3)
})
