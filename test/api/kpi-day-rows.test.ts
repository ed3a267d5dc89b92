import { addDays, shanghaiDay, startOfShanghaiDay } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan, withoutMemberDay } from '../support/points-helpers'
import { seedDemo } from '../../server/src/seed/demo'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { ledgerFactModel } from '../../server/src/modules/ledger/ledger-facts'
import { ledgerDayModel } from '../../server/src/modules/ops/ledger-day-rows'
import { LedgerDays } from '../../server/src/modules/ops/ledger-days'
import { tierMovementTable } from '../../server/src/modules/ops/tier-movement'

/**
 * The dashboard reads the ledger from day rows (closed days, by `_id`) and the open days' fact rows
 * (server/src/modules/ops/ledger-days.ts). Its figures must be the ones a scan of the whole ledger
 * gives — the way the dashboard read them before — for ranges of closed days, the open day and both,
 * before and after a day closes; closing is once-only under racing closers; and a refund of a closed
 * day's purchase counts on the day it is posted while the closed day's row stays as it was.
 */
jest.setTimeout(300_000)

let api: TestApi
let operator: string
let manager: string
beforeAll(async () => {
  api = await startTestApi()
  api.clock.runFrom('2026-11-20T06:00:00Z') // 14:00 in Shanghai
  await seedDemo(api.ctx, api.conn, { mall: { members: 300, stores: 100, months: 12 } })
  await withoutMemberDay(api)
  await api.addStore('DR')
  await logIn()
})
async function logIn(): Promise<void> {
  operator = (await api.loginStaff('dr-operator', 'operator', null)).accessToken
  manager = (await api.loginStaff('dr-manager', 'manager', 'DR')).accessToken
}
afterAll(() => api.stop())

const LEDGER_METRICS = ['points_issued', 'points_redeemed', 'points_expired', 'active_7d', 'active_30d', 'liability']
const ISSUED = new Set(['earn', 'welcome', 'checkin', 'referral', 'adjust'])
const SPENT = new Set(['redeem', 'coupon'])
type Report = { metrics: { key: string; value: number }[]; tables: { key: string; rows: unknown[][] }[] }

/** The report's ledger figures, as the console gets them. */
async function reported(from: string, to: string): Promise<Record<string, unknown>> {
  const res = await api.http.get(`/api/ops/kpis?from=${from}&to=${to}`).set(bearer(operator))
  expect(res.status).toBe(200)
  const body = res.body as Report
  const figures: Record<string, unknown> = {}
  for (const m of body.metrics) if (LEDGER_METRICS.includes(m.key)) figures[m.key] = m.value
  figures.tier_movement = body.tables.find((t) => t.key === 'tier_movement')!.rows
  return figures
}

type LedgerRow = {
  memberId: string
  seq: number
  type: string
  delta: number
  createdAt: Date
  state: { balance: number }
  meta?: { tierLevelBefore?: number; tierLevelAfter?: number }
}
const readLedger = () => ledgerModels(api.conn).Entry.find({}).lean<LedgerRow[]>().exec()

/**
 * The same figures from one scan of every ledger entry: how the dashboard computed them before the day
 * rows. `all`: the ledger as read once for several ranges (reading it takes seconds at this size).
 */
async function scanned(from: string, to: string, all?: LedgerRow[]): Promise<Record<string, unknown>> {
  all ??= await readLedger()
  const range = { $gte: startOfShanghaiDay(from), $lt: startOfShanghaiDay(addDays(to, 1)) }
  const entries = all.filter((e) => e.createdAt >= range.$gte && e.createdAt < range.$lt)
  const toEnd = range.$lt.getTime()
  const active = (days: number) =>
    new Set(
      entries
        .filter((e) => e.type !== 'expire' && e.type !== 'forfeit' && toEnd - e.createdAt.getTime() <= days * 86400_000)
        .map((e) => e.memberId),
    ).size
  const sum = (types: Set<string>, sign: 1 | -1) =>
    entries.filter((e) => types.has(e.type)).reduce((s, e) => s + Math.max(0, sign * e.delta), 0)
  const newest = new Map<string, LedgerRow>()
  for (const e of all) if ((newest.get(e.memberId)?.seq ?? 0) < e.seq) newest.set(e.memberId, e)
  const { tiers } = await api.ctx.services.rules.current()
  const movement = await tierMovementTable(
    api.conn,
    range,
    tiers,
    entries.map((e) => ({
      type: e.type,
      tierBefore: e.meta?.tierLevelBefore ?? null,
      tierAfter: e.meta?.tierLevelAfter ?? null,
    })),
  )
  return {
    points_issued: sum(ISSUED, 1),
    points_redeemed: sum(SPENT, -1),
    points_expired: entries.filter((e) => e.type === 'expire' || e.type === 'forfeit').reduce((s, e) => s - e.delta, 0),
    active_7d: active(7),
    active_30d: active(30),
    liability: [...newest.values()].reduce((s, e) => s + Math.max(0, e.state.balance), 0),
    tier_movement: movement.rows,
  }
}

/** Ranges over closed days, the open day and both, as the dashboard and an operator ask for them. */
function ranges(): [string, string][] {
  const today = shanghaiDay(api.clock.now())
  return [
    [addDays(today, -29), today],
    [addDays(today, -59), addDays(today, -30)],
    [addDays(today, -1), addDays(today, -1)],
    [today, today],
    [addDays(today, -364), today],
  ]
}

async function expectSameAsScan(): Promise<void> {
  await logIn()
  // Every range's report first, then one read of the ledger for all of them (a report writes no entry).
  const reports = []
  for (const [from, to] of ranges()) reports.push({ from, to, ...(await reported(from, to)) })
  const ledger = await readLedger()
  for (const [from, to] of ranges()) expect(reports.shift()).toEqual({ from, to, ...(await scanned(from, to, ledger)) })
}

async function buy(devUser: string, receiptNo: string, amountFen: number): Promise<void> {
  await logIn() // the clock moves by days here: tokens from the day before have expired
  const member = await api.loginMember(devUser)
  const res = await award(api, manager, { scanToken: await scan(api, member, manager), receiptNo, amountFen })
  expect(res.status).toBe(200)
}

it('gives the figures a ledger scan gives, from the seeded rows, the open day and after the day closes', async () => {
  // The seed wrote a row for every closed day of its year and the open day's facts.
  expect(await ledgerDayModel(api.conn).countDocuments({ _id: /^kpi-day:/ })).toBeGreaterThan(360)
  // 3,000 yuan in two receipts under the approval threshold: an immediate upgrade, from the open day's facts
  await buy('dr-shopper', 'DR-1', 2_000_00)
  await buy('dr-shopper', 'DR-2', 1_000_00)
  await expectSameAsScan()

  // 00:11 the next day: the day is past its grace, the first report closes it into its row.
  api.clock.runFrom('2026-11-20T16:11:00Z')
  await buy('dr-shopper', 'DR-3', 80_00)
  await expectSameAsScan()
  expect(await ledgerDayModel(api.conn).exists({ _id: 'kpi-day:2026-11-20' })).toBeTruthy()
  expect(await ledgerFactModel(api.conn).countDocuments({ day: '2026-11-20' })).toBe(0)

  // The channel mix sums the posted purchases the KPI reports read (one shared read): as a filtered find gives them.
  const [from, to] = ranges()[0]!
  const [mix] = await Promise.all([
    api.http.get(`/api/ops/channel-mix?from=${from}&to=${to}`).set(bearer(operator)),
    api.http.get(`/api/ops/kpis?from=${from}&to=${to}`).set(bearer(operator)),
  ])
  const posted = await api.conn
    .collection('purchases')
    .find({ status: 'posted', createdAt: { $gte: startOfShanghaiDay(from), $lt: startOfShanghaiDay(addDays(to, 1)) } })
    .toArray()
  const byChannel = (c: string) => posted.filter((p) => p.channel === c)
  expect(mix.body.totals).toEqual({
    purchases: posted.length,
    salesFen: posted.reduce((s, p) => s + (p.amountFen as number), 0),
    points: posted.reduce((s, p) => s + (p.points as number), 0),
  })
  for (const row of mix.body.rows as { channel: string; purchases: number }[])
    expect(row.purchases).toBe(byChannel(row.channel).length)
})

it('scans members once per dashboard load, and reads no ledger entry and no purchase', async () => {
  await logIn()
  const [from, to] = ranges()[0]!
  const before = { from: addDays(from, -30), to: addDays(from, -1) }
  const finds = new Map<string, number>()
  api.conn.set('debug', (collection: string, method: string) => {
    if (method === 'find') finds.set(collection, (finds.get(collection) ?? 0) + 1)
  })
  try {
    const answers = await Promise.all([
      api.http.get(`/api/ops/kpis?from=${from}&to=${to}`).set(bearer(operator)),
      api.http.get(`/api/ops/kpis?from=${before.from}&to=${before.to}`).set(bearer(operator)),
      api.http.get(`/api/ops/channel-mix?from=${from}&to=${to}`).set(bearer(operator)),
    ])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
  } finally {
    api.conn.set('debug', false)
  }
  // the posted purchases come from their day rows and the facts not yet in one (ops/purchase-days.ts)
  expect({
    purchases: finds.get('purchases'),
    purchaseFacts: finds.get('kpi_purchase_facts'),
    members: finds.get('members'),
    ledger: finds.get('ledger_entries'),
  }).toEqual({ purchases: undefined, purchaseFacts: 1, members: 1, ledger: undefined })
})

it('closes each day once when 20 closers race, every round, and the chain keeps the liability', async () => {
  for (let round = 1; round <= 3; round++) {
    await buy('dr-racer', `DR-R${round}`, round * 50_00)
    const day = shanghaiDay(api.clock.now())
    api.clock.runFrom(new Date(startOfShanghaiDay(addDays(day, 1)).getTime() + 11 * 60_000))
    const now = api.clock.now()
    // separate instances, as separate server processes would be
    const inserted = await Promise.all(Array.from({ length: 20 }, () => new LedgerDays(api.conn).closeDays(now)))
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(1)
    const row = await ledgerDayModel(api.conn).findById(`kpi-day:${day}`).lean().exec()
    expect(row!.liabilityAfter).toBe((await scanned(day, day)).liability)
    expect(await ledgerFactModel(api.conn).countDocuments({ day })).toBe(0)
  }
  await expectSameAsScan()
})

it('counts a refund of a closed day purchase on the day it is posted; the closed day stays as it was', async () => {
  await buy('dr-refund', 'DR-F1', 500_00)
  const day = shanghaiDay(api.clock.now())
  const closedDay = await reported(day, day)
  api.clock.runFrom(new Date(startOfShanghaiDay(addDays(day, 1)).getTime() + 3 * 3600_000))
  await logIn()
  const refund = await api.http
    .post('/api/staff/purchases/DR-F1/reverse')
    .set(bearer(manager))
    .send({ storeId: 'DR', reason: 'refund' })
  expect(refund.status).toBe(200)
  expect(await reported(day, day)).toEqual({ ...closedDay, liability: (await scanned(day, day)).liability })
  await expectSameAsScan()
  // The purchase figures are read from the purchases themselves: the refunded receipt leaves its day.
  const res = await api.http.get(`/api/ops/kpis?from=${day}&to=${day}`).set(bearer(operator))
  const sales = (res.body as Report).metrics.find((x) => x.key === 'member_sales')!.value
  expect(sales).toBe(0)
})
