import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'

let api: TestApi
let operator: string
let manager: string
let otherManager: string
let clerk: string

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('SS1')
  await api.addStore('SS2')
  operator = (await api.loginStaff('ss-operator', 'operator', null)).accessToken
  manager = (await api.loginStaff('ss-manager', 'manager', 'SS1')).accessToken
  otherManager = (await api.loginStaff('ss-manager2', 'manager', 'SS2')).accessToken
  clerk = (await api.loginStaff('ss-clerk', 'clerk', 'SS1')).accessToken
})
afterAll(() => api.stop())

const report = (token: string, body: Record<string, unknown>) =>
  api.http.put('/api/staff/store/sales').set(bearer(token)).send(body)
const metric = (body: { metrics: { key: string; value: number }[] }, key: string) =>
  body.metrics.find((m) => m.key === key)?.value

describe('member vs non-member sales', () => {
  it("takes the store's whole-day takings and reports the member share and the non-member ticket", async () => {
    api.clock.runFrom('2026-10-15T04:00:00Z') // 12:00 in Shanghai
    const a = await api.loginMember('ss-a')
    const b = await api.loginMember('ss-b')
    await award(api, manager, { scanToken: await scan(api, a, manager), receiptNo: 'SS-1', amountFen: 100_00 })
    await award(api, manager, { scanToken: await scan(api, b, manager), receiptNo: 'SS-2', amountFen: 300_00 })

    // Below what members alone spent that day, in the future, too old, by a clerk, for another store: refused.
    const low = await report(manager, { day: '2026-10-15', totalSalesFen: 399_00, receipts: 10 })
    expect([low.status, low.body.error.code]).toEqual([422, 'STORE.SALES_BELOW_MEMBER_SALES'])
    expect((await report(manager, { day: '2026-10-15', totalSalesFen: 1000_00, receipts: 1 })).status).toBe(422)
    expect((await report(manager, { day: '2026-10-16', totalSalesFen: 1000_00, receipts: 10 })).body.error.code).toBe(
      'STORE.SALES_DAY_OUT_OF_RANGE',
    )
    expect((await report(manager, { day: '2026-09-01', totalSalesFen: 1000_00, receipts: 10 })).body.error.code).toBe(
      'STORE.SALES_DAY_OUT_OF_RANGE',
    )
    expect((await report(clerk, { day: '2026-10-15', totalSalesFen: 1000_00, receipts: 10 })).status).toBe(403)
    expect(
      (await report(otherManager, { day: '2026-10-15', storeId: 'SS1', totalSalesFen: 1000_00, receipts: 10 })).status,
    ).toBe(403)
    for (const bad of [
      { day: '2026-10-15', totalSalesFen: -1, receipts: 1 },
      { day: '2026-10-15', totalSalesFen: 1.5, receipts: 1 },
      { day: '15/10/2026', totalSalesFen: 1, receipts: 1 },
      { day: '2026-10-15', totalSalesFen: { $gt: 0 }, receipts: 1 },
    ]) {
      expect((await report(manager, bad)).status).toBe(400)
    }
    const before = (await api.http.get('/api/staff/store/daily').set(bearer(manager))).body
    expect(before.declared).toBeNull()

    // 1,000 yuan over 10 receipts, of which members: 400 yuan over 2.
    expect((await report(manager, { day: '2026-10-15', totalSalesFen: 900_00, receipts: 9 })).status).toBe(200)
    // a correction replaces it
    expect((await report(manager, { day: '2026-10-15', totalSalesFen: 1000_00, receipts: 10 })).status).toBe(200)
    const daily = (await api.http.get('/api/staff/store/daily').set(bearer(manager))).body
    expect(daily.declared).toMatchObject({ totalSalesFen: 1000_00, receipts: 10, reportedBy: 'ss-manager' })

    const kpi = (await api.http.get('/api/ops/kpis?from=2026-10-01&to=2026-10-31').set(bearer(operator))).body
    expect(metric(kpi, 'member_sales_share')).toBe(40)
    expect(metric(kpi, 'nonmember_avg_ticket')).toBe(75_00) // (1000 − 400) ÷ (10 − 2) yuan
    expect(metric(kpi, 'avg_ticket')).toBe(200_00)
    // Store SS2 reported nothing: no share there, rather than a made-up 100 %.
    const other = (await api.http.get('/api/ops/kpis?from=2026-10-01&to=2026-10-31&storeId=SS2').set(bearer(operator)))
      .body
    expect(metric(other, 'member_sales_share')).toBe(0)
    // The operator may report for any store, naming it.
    expect(
      (
        await api.http
          .put('/api/staff/store/sales')
          .set(bearer(operator))
          .send({ day: '2026-10-15', storeId: 'SS2', totalSalesFen: 50_00, receipts: 1 })
      ).status,
    ).toBe(200)
  })
})
