import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { award, redeem, scan, withoutMemberDay } from '../support/points-helpers'

let api: TestApi
let operator: string
let clerk: string

beforeAll(async () => {
  api = await startTestApi()
  await withoutMemberDay(api) // the points checked are without the 18th's double points
  await api.addStore('K1')
  await api.addStore('K2')
  operator = (await api.loginStaff('kpi-operator', 'operator', null)).accessToken
  clerk = (await api.loginStaff('kpi-clerk', 'manager', 'K1')).accessToken
})
afterAll(() => api.stop())

const kpis = (query: string) => api.http.get(`/api/ops/kpis?${query}`).set(bearer(operator))
const metric = (body: { metrics: { key: string; value: number }[] }, key: string) =>
  body.metrics.find((m) => m.key === key)?.value

describe('KPI dashboard', () => {
  it('matches figures computed by hand on a seeded data set', async () => {
    api.clock.runFrom('2026-09-10T04:00:00Z')
    const a = await api.loginMember('kpi-a')
    const b = await api.loginMember('kpi-b')
    const c = await api.loginMember('kpi-c')
    // a: two purchases (repeat), b: one purchase, c: none
    await award(api, clerk, { scanToken: await scan(api, a, clerk), receiptNo: 'K-1', amountFen: 100_00 })
    await award(api, clerk, { scanToken: await scan(api, a, clerk), receiptNo: 'K-2', amountFen: 300_00 })
    await award(api, clerk, { scanToken: await scan(api, b, clerk), receiptNo: 'K-3', amountFen: 200_00 })
    await redeem(api, clerk, { scanToken: await scan(api, a, clerk), points: 150, item: '礼品' }, 'kpi-redeem-1')
    await api.http.post('/api/me/checkin').set(bearer(a.accessToken)).send()
    await api.http.post('/api/me/checkin').set(bearer(c.accessToken)).send()
    const tid = await createTemplate(api, operator, {
      name: 'KPI券',
      stock: 10,
      claimStart: '2026-09-01T00:00:00+08:00',
      claimEnd: '2026-12-31T00:00:00+08:00',
    })
    const coupon = (await claim(api, b.accessToken, tid)).body
    await claim(api, c.accessToken, tid)
    const code = (
      await api.http.get(`/api/me/coupons/${encodeURIComponent(coupon.couponId)}/code`).set(bearer(b.accessToken))
    ).body.code
    const redeemed = await api.http.post('/api/staff/coupons/redeem').set(bearer(clerk)).send({ code })
    expect(redeemed.status).toBe(200)

    const res = await kpis('from=2026-09-10&to=2026-09-10')
    expect(res.status).toBe(200)
    const body = res.body
    expect(metric(body, 'members_new')).toBe(3)
    expect(metric(body, 'repeat_rate')).toBe(50) // a of {a, b}
    expect(metric(body, 'member_sales')).toBe(600_00)
    expect(metric(body, 'avg_ticket')).toBe(200_00)
    expect(metric(body, 'points_issued')).toBe(3 * 100 + 400 + 200 + 2 * 5) // welcome + purchases + check-ins
    expect(metric(body, 'points_redeemed')).toBe(150)
    expect(metric(body, 'liability')).toBe(3 * 100 + 400 + 200 + 10 - 150)
    expect(metric(body, 'coupon_redemption_rate')).toBe(50)
    expect(body.tables.find((t: { key: string }) => t.key === 'coupons').rows).toEqual([['KPI券', 2, 1, 50]])
    expect(body.series.find((s: { key: string }) => s.key === 'purchases').points).toEqual([{ x: '2026-09-10', y: 3 }])
    for (const m of body.metrics) expect(m.definition.length).toBeGreaterThan(5)

    // store filter: nothing was bought at K2
    const k2 = (await kpis('from=2026-09-10&to=2026-09-10&storeId=K2')).body
    expect(metric(k2, 'member_sales')).toBe(0)
    // another day: nothing happened
    expect(metric((await kpis('from=2026-09-11&to=2026-09-12')).body, 'members_new')).toBe(0)
    api.clock.runFrom(new Date())
  })

  it('refuses bad ranges and non-operators', async () => {
    expect((await kpis('from=2026-09-12&to=2026-09-10')).status).toBe(400)
    expect((await kpis('from=yesterday&to=today')).status).toBe(400)
    expect((await api.http.get('/api/ops/kpis?from=2026-09-10&to=2026-09-10').set(bearer(clerk))).status).toBe(403)
  })
})

describe('rules with history', () => {
  it(
    'validates, versions every change with who/when/before/after, ' + 'and stamps new ledger entries with the version',
    async () => {
      const current = (await api.http.get('/api/ops/rules').set(bearer(operator))).body
      const bad = await api.http
        .put('/api/ops/rules')
        .set(bearer(operator))
        .send({ section: 'earning', value: { ...current.earning, pointsPerYuan: -1 } })
      expect(bad.status).toBe(400)
      const badTiers = await api.http
        .put('/api/ops/rules')
        .set(bearer(operator))
        .send({ section: 'tiers', value: [{ ...current.tiers[1], level: 1, entryGrowth: 100 }] })
      expect(badTiers.status).toBe(400)

      const change = await api.http
        .put('/api/ops/rules')
        .set(bearer(operator))
        .send({ section: 'earning', value: { ...current.earning, pointsPerYuan: 2 }, note: '双倍积分周' })
      expect(change.status).toBe(200)
      const { version } = change.body
      const history = (await api.http.get('/api/ops/rules/history').set(bearer(operator))).body.items
      expect(history[0]).toMatchObject({
        version,
        section: 'earning',
        changedBy: 'kpi-operator',
        note: '双倍积分周',
        before: { pointsPerYuan: 1 },
        after: { pointsPerYuan: 2 },
      })

      // the rules cache lives 5 s in other processes; this one was cleared, so the next award uses the change
      const m = await api.loginMember('kpi-versioned')
      const res = await award(api, clerk, {
        scanToken: await scan(api, m, clerk),
        receiptNo: 'K-V1',
        amountFen: 100_00,
      })
      expect(res.body.points).toBe(200)
      expect(res.body.breakdown.rulesVersion).toBe(version)
      await api.http
        .put('/api/ops/rules')
        .set(bearer(operator))
        .send({ section: 'earning', value: { ...current.earning, pointsPerYuan: 1 } })
    },
    30_000,
  )
})
