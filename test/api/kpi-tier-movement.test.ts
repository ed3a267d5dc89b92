import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'

let api: TestApi
let operator: string
let manager: string

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('TM')
  operator = (await api.loginStaff('tm-operator', 'operator', null)).accessToken
  manager = (await api.loginStaff('tm-manager', 'manager', 'TM')).accessToken
})
afterAll(() => api.stop())

type Table = { key: string; rows: (string | number)[][] }
const movement = async (from: string, to: string, token = operator): Promise<(string | number)[][]> => {
  const res = await api.http.get(`/api/ops/kpis?from=${from}&to=${to}`).set(bearer(token))
  expect(res.status).toBe(200)
  return (res.body.tables as Table[]).find((t) => t.key === 'tier_movement')!.rows
}

describe('KPI: tier movement', () => {
  it('counts an immediate upgrade from a purchase and a monthly downgrade, by the day they happened', async () => {
    api.clock.runFrom('2026-03-10T04:00:00Z')
    const m = await api.loginMember('tm-member')
    // 3,000 yuan of qualifying spend reaches 银卡 at once (two receipts under the approval threshold).
    await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: 'TM-1', amountFen: 2_000_00 })
    await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: 'TM-2', amountFen: 1_000_00 })
    expect(await movement('2026-03-01', '2026-03-31')).toEqual([['普通会员 → 银卡会员', '升级', 1, 0, 1]])
    expect(await movement('2026-02-01', '2026-02-28')).toEqual([])

    // Thirteen months later the spend has left the rolling window: the monthly evaluation steps down one tier.
    api.clock.runFrom('2027-04-02T04:00:00Z')
    const { changes } = await api.ctx.jobs.evaluateTiers(api.clock.now())
    expect(changes).toEqual([{ memberId: m.member.memberId, from: 2, to: 1 }])
    const op = (await api.loginStaff('tm-operator', 'operator', null)).accessToken
    expect(await movement('2027-04-01', '2027-04-30', op)).toEqual([['银卡会员 → 普通会员', '降级', 0, 1, 1]])
    expect(await movement('2026-03-01', '2027-04-30', op)).toEqual([
      ['普通会员 → 银卡会员', '升级', 1, 0, 1],
      ['银卡会员 → 普通会员', '降级', 0, 1, 1],
    ])
  })
})
