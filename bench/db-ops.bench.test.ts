import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient, type Db } from 'mongodb'
import { startDevDb, type DevDb } from '../server/src/db/devdb'
import { insertRow } from '../server/src/db/insert-batch'
import { crashedPurchaseRow } from '../test/support/wechat-pay-helpers'
import { cpuMs } from './process-cpu'

/**
 * What single operations cost the embedded database (FerretDB on SQLite), measured as its CPU time
 * per operation with 16 concurrent clients. Explains the API bench: a route's throughput follows the
 * sum of its operations' costs, and an update (read, change, write back) or a large document costs
 * several times a findOne by `_id`. Written to test-results/bench/db-ops.md.
 */
// The test command runs a short pass; npm run bench (BENCH_SIZE=full) a longer one.
const OPS = Number(process.env.BENCH_DB_OPS) || (process.env.BENCH_SIZE === 'full' ? 5_000 : 1_500)
const CONCURRENCY = 16
jest.setTimeout(600_000)

// Shaped like the documents the hot routes write (sizes as JSON: ~100, ~300 and ~900 bytes).
const checkinLike = {
  memberId: '12345678',
  day: '2026-11-24',
  kind: 'daily',
  streak: 3,
  rewardPoints: 5,
  rewarded: false,
}
const purchaseLike = crashedPurchaseRow({
  channel: 'till',
  purchaseId: 'S1:R-000123',
  storeId: 'S1',
  receiptNo: 'R-000123',
  memberId: '12345678',
  amountFen: 12_300,
  at: new Date(),
  by: 'clerk-1',
})
const entryLike = {
  memberId: '12345678',
  seq: 3,
  eventKey: 'purchase:S1:R-000123',
  type: 'earn',
  op: { kind: 'credit', points: 123, earnedMonth: '2026-11', expiryMonths: 12 },
  growth: { spendFen: { month: '2026-11', amount: 12_300 } },
  delta: 123,
  state: {
    balance: 228,
    lots: [{ earnedMonth: '2026-11', expiresOn: '2027-11-30', remaining: 228 }],
    debt: 0,
    spend: [{ month: '2026-11', amount: 12_300 }],
    growthBonus: [],
    lifetimeEarned: 228,
    lifetimeSpent: 0,
    lifetimeExpired: 0,
  },
  meta: {
    storeId: 'S1',
    storeName: '一楼 咖啡',
    receiptNo: 'R-000123',
    amountFen: 12_300,
    staffId: 'clerk-1',
    breakdown: {
      basePoints: 123,
      tierMultiplierPermille: 1000,
      storeMultiplierPermille: 1000,
      categoryMultiplierPermille: 1000,
      campaign: null,
      cappedBy: null,
      rulesVersion: 1,
    },
    tierLevelBefore: 1,
    tierLevelAfter: 1,
    tierAfter: { level: 1, name: '普通会员' },
    rulesVersion: 1,
    reason: '消费积分',
  },
  createdAt: new Date(),
}

interface Row {
  op: string
  perSecond: number
  dbMsPerOp: number
  vsFindOne: number
}
let devdb: DevDb
let client: MongoClient
let db: Db
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'db-ops-'))
  // Same settings as the test database (synchronous off): the figures are CPU, not disk.
  devdb = await startDevDb({ dataDir: dir, fastUnsafe: true })
  client = await MongoClient.connect(devdb.uri, { maxPoolSize: 20 })
  db = client.db('dbops')
})
afterAll(async () => {
  await client?.close()
  await devdb?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function measure(op: string, fn: (i: number) => Promise<unknown>): Promise<Omit<Row, 'vsFindOne'>> {
  const cpu0 = cpuMs(devdb.pid)
  const t0 = Date.now()
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) await fn(next++)
    }),
  )
  const elapsed = Date.now() - t0
  return { op, perSecond: Math.round((OPS / elapsed) * 1000), dbMsPerOp: (cpuMs(devdb.pid) - cpu0) / OPS }
}

it('costs of single operations by _id on the embedded database', async () => {
  const c = (name: string) => db.collection<{ _id: string }>(name)
  // Rows for the reads and updates first (not measured).
  await c('totals').insertMany(Array.from({ length: 32 }, (_, i) => ({ _id: `t${i}`, amountFen: 0, count: 0 })))
  const grouped = { collection: c('grouped') } // one collection object: the group commit keys on it
  const measured = [
    await measure('insertOne ~100 B (check-in)', (i) => c('checkins').insertOne({ _id: `c${i}`, ...checkinLike })),
    await measure('insertOne ~300 B (purchase)', (i) => c('purchases').insertOne({ ...purchaseLike, _id: `p${i}` })),
    await measure('insertOne ~900 B (ledger entry)', (i) => c('entries').insertOne({ _id: `e${i}`, ...entryLike })),
    // The server's inserts go through the group commit (server/src/db/insert-batch.ts).
    await measure('insert ~300 B, grouped (16 writers share commands)', (i) =>
      insertRow(grouped, { ...purchaseLike, _id: `g${i}` }),
    ),
    await measure('findOne by _id, ~100 B row', (i) => c('checkins').findOne({ _id: `c${(i * 7919) % OPS}` })),
    await measure('findOne by _id, ~900 B row', (i) => c('entries').findOne({ _id: `e${(i * 7919) % OPS}` })),
    await measure('findOne by _id, no row (a probe)', (i) => c('entries').findOne({ _id: `none${i}` })),
    await measure('updateOne $set by _id, ~100 B row', (i) =>
      c('checkins').updateOne({ _id: `c${i}` }, { $set: { rewarded: true } }),
    ),
    await measure('updateOne $set by _id, ~300 B row', (i) =>
      c('purchases').updateOne({ _id: `p${i}` }, { $set: { status: 'posted', points: 123 } }),
    ),
    await measure('findOneAndUpdate $inc by _id (totals)', (i) =>
      c('totals').findOneAndUpdate(
        { _id: `t${i % 32}` },
        { $inc: { amountFen: 100, count: 1 } },
        { returnDocument: 'after' },
      ),
    ),
  ]
  const findOne = measured.find((m) => m.op.startsWith('findOne by _id, ~100'))!.dbMsPerOp
  const rows: Row[] = measured.map((m) => ({ ...m, vsFindOne: m.dbMsPerOp / findOne }))
  const table = [
    `| operation (${OPS} each, ${CONCURRENCY} concurrent) | ops/s | database CPU ms/op | × findOne |`,
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.op} | ${r.perSecond} | ${r.dbMsPerOp.toFixed(2)} | ${r.vsFindOne.toFixed(1)} |`),
  ].join('\n')
  const out = path.resolve(__dirname, '../test-results/bench')
  mkdirSync(out, { recursive: true })
  writeFileSync(path.join(out, 'db-ops.md'), `${table}\n`)
  process.stdout.write(`\n${table}\n`)
  for (const r of rows) expect(r.perSecond).toBeGreaterThan(0)
})
