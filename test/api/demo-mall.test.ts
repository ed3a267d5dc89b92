import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { DEMO_PASSWORD, seedDemo } from '../../server/src/seed/demo'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { memberModels } from '../../server/src/modules/members/member.model'
import { storeModel } from '../../server/src/modules/stores/store.model'
import { tradeDoneBy } from '../../server/src/seed/mall/calendar'

/**
 * The demo mall (`--demo`) at 2,000 members so the test stays quick: a deterministic mall
 * whose ledger the replay checker finds consistent, members across the tiers, a year of purchases by
 * every channel with weekends above weekdays, and the console's KPIs, channel mix and segments
 * showing it. Larger sizes (3,000 by default, 20,000) are timed by hand: docs/demo-data.md.
 */
jest.setTimeout(300_000)

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

it('seeds a mall with a year of history whose ledger replays with 0 differences, once', async () => {
  const started = Date.now()
  const counts = await seedDemo(api.ctx, api.conn, { mall: { members: 2_000, stores: 100, months: 12 } })
  const seconds = (Date.now() - started) / 1000
  console.log(`demo mall (2,000 members): ${seconds} s`, counts)
  expect(counts).toMatchObject({ stores: 100, members: 2_000 })
  expect(counts!.purchases).toBeGreaterThan(4_000)
  expect(counts!.checkins).toBeGreaterThan(300)
  expect(counts!.couponsClaimed).toBeGreaterThan(100)
  expect(counts!.couponsRedeemed).toBeGreaterThan(30)
  // a second start seeds nothing again
  const entries = await ledgerModels(api.conn).Entry.countDocuments()
  expect(await seedDemo(api.ctx, api.conn, { mall: { members: 2_000, stores: 100, months: 12 } })).toBeNull()
  expect(await ledgerModels(api.conn).Entry.countDocuments()).toBe(entries)

  const report = await api.ctx.jobs.replayCheck()
  expect(report.differences).toEqual([])
  expect(report.members).toBeGreaterThan(1_500)

  const tiers = await memberModels(api.conn).Member.aggregate<{ _id: number; n: number }>([
    { $group: { _id: '$tierLevel', n: { $sum: 1 } } },
  ])
  const byTier = Object.fromEntries(tiers.map((t) => [t._id, t.n]))
  expect(byTier[1]).toBeGreaterThan(byTier[2] ?? Infinity)
  expect(byTier[2]).toBeGreaterThan(0)
  expect(byTier[3]).toBeGreaterThan(0)
  expect(byTier[4]).toBeGreaterThan(0)
  const floors = new Set((await storeModel(api.conn).find({}).lean()).map((s) => s.floor))
  expect(floors.size).toBeGreaterThanOrEqual(6)

  const op = (await api.http.post('/api/staff/auth/login').send({ username: 'operator', password: DEMO_PASSWORD })).body
    .accessToken as string
  const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
  const to = day(new Date(Date.now() - 86400_000))
  const from = day(new Date(Date.now() - 90 * 86400_000))
  const kpis = (await api.http.get(`/api/ops/kpis?from=${from}&to=${to}`).set(bearer(op))).body
  const sales = kpis.series.find((s: { key: string }) => /purchase|sales|receipt/i.test(s.key))
  expect(sales?.points.filter((p: { y: number }) => p.y > 0).length).toBeGreaterThan(80)
  // feedback answered and closed: the dashboard has a resolution rate and time, not 0 % and 暂无数据
  const metric = (key: string) => kpis.metrics.find((m: { key: string }) => m.key === key)?.value
  expect(metric('feedback_resolution_rate')).toBeGreaterThan(0)
  expect(metric('feedback_resolution_time')).toBeGreaterThan(0)
  const mix = (await api.http.get(`/api/ops/channel-mix?from=${from}&to=${to}`).set(bearer(op))).body
  const share = (c: string) =>
    mix.rows.find((r: { channel: string }) => r.channel === c).purchases / mix.totals.purchases
  expect(share('till')).toBeGreaterThan(0.4)
  expect(share('wechat_pay')).toBeGreaterThan(0.2)
  expect(share('receipt_photo')).toBeGreaterThan(0.01)
  expect(share('service_desk')).toBeGreaterThan(0)
  // Weekends busier than weekdays over the year
  const purchases = await api.conn
    .collection('purchases')
    .find({ storeId: /^M/ }, { projection: { createdAt: 1 } })
    .toArray()
  // Today so far: nothing after now, and once the mall has traded a while today, purchases today (the
  // dashboard's last day is not a drop to zero).
  const now = api.clock.now()
  expect(purchases.filter((p) => (p.createdAt as Date) >= now)).toEqual([])
  const today = purchases.filter((p) => day(p.createdAt as Date) === day(now)).length
  if (tradeDoneBy(now) > 0.2) expect(today).toBeGreaterThan(0)
  else console.log(`demo mall: ${today} purchases today (the mall has done little trade by now)`)
  const byWeekday = [0, 0, 0, 0, 0, 0, 0]
  for (const p of purchases) byWeekday[new Date((p.createdAt as Date).getTime() + 8 * 3600_000).getUTCDay()]!++
  expect(byWeekday[6]!).toBeGreaterThan(byWeekday[2]! * 1.5)
})

it('leaves work waiting on the first start: merchant mappings, 待关联 payments, receipt photos, 补登 claims', async () => {
  // Seeded by the test above (same database, whose replay found 0 differences with these queues in it):
  // the queues the console's 待处理事项 counts are not empty.
  const login = async (username: string) =>
    (await api.http.post('/api/staff/auth/login').send({ username, password: DEMO_PASSWORD })).body
      .accessToken as string
  const op = await login('operator')
  const desk = await login('desk1')
  const merchants = (await api.http.get('/api/ops/wechat-pay/merchants').set(bearer(op))).body.items as {
    mchid: string
    storeId: string | null
  }[]
  expect(merchants.filter((m) => m.storeId?.startsWith('M')).length).toBeGreaterThanOrEqual(50)
  expect(merchants.every((m) => /^\d{10}$/.test(m.mchid))).toBe(true)
  expect(merchants.filter((m) => m.storeId === null)).toHaveLength(1) // the bank counter, outside the programme
  const unmapped = (await api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(op))).body.items
  expect(unmapped).toHaveLength(2)
  expect(unmapped.every((u: { reason: string }) => u.reason === 'unknown_merchant')).toBe(true)
  const syncs = (await api.http.get('/api/ops/wechat-pay/syncs').set(bearer(op))).body.items
  expect(syncs.length).toBeGreaterThanOrEqual(1) // the bank counter's payment: earn_points false, owed to WeChat

  const photos = (await api.http.get('/api/staff/receipt-photos').set(bearer(desk))).body.items as {
    submissionId: string
    flags: { kind: string }[]
  }[]
  expect(photos.length).toBeGreaterThanOrEqual(4)
  expect(photos.some((p) => p.flags.some((f) => f.kind === 'similar_photo'))).toBe(true)
  const picture = await api.http
    .get(`/api/staff/receipt-photos/${encodeURIComponent(photos[0]!.submissionId)}/photo`)
    .set(bearer(desk))
  expect(picture.status).toBe(200)
  expect(picture.headers['content-type']).toMatch(/image\/jpeg/)
  const claims = (await api.http.get('/api/desk/points-claims?status=pending').set(bearer(desk))).body.items
  expect(claims.length).toBeGreaterThanOrEqual(2)
})
