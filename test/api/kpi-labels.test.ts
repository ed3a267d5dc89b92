import { bearer, startTestApi, type TestApi } from '../support/api-harness'

/**
 * The KPI report as the console shows it: every label in Chinese (invite states, tiers by name), which
 * figures the store filter narrows, and "no data" kept apart from 0.
 */
jest.setTimeout(60_000)
let api: TestApi
let operator: string
beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('kpi-labels-op', 'operator', null)).accessToken
})
afterAll(() => api.stop())

interface Report {
  metrics: { key: string; value: number | null; storeScoped?: boolean; asOfNow?: boolean }[]
  series: { key: string; storeScoped?: boolean }[]
  tables: { key: string; rows: (string | number)[][]; storeScoped?: boolean }[]
}
const report = async (query: string): Promise<Report> =>
  (await api.http.get(`/api/ops/kpis?${query}`).set(bearer(operator))).body

it('names invite states and tiers in Chinese, never their codes', async () => {
  api.clock.runFrom('2026-08-10T04:00:00Z')
  await api.loginMember('kpi-labels-a')
  const r = await report('from=2026-08-10&to=2026-08-10')
  const funnel = r.tables.find((t) => t.key === 'referral_funnel')!
  expect(funnel.rows.map((row) => row[0])).toEqual(['已注册', '已首购', '已奖励', '已达上限', '已退回'])
  const tiers = r.tables.find((t) => t.key === 'tiers')!
  expect(tiers.rows[0]).toEqual(['普通会员', expect.any(Number)])
  const rows = r.tables.flatMap((t) => t.rows.map((row) => row[0]))
  for (const code of ['registered', 'qualified', 'rewarded', 'capped', 'reversed']) expect(rows).not.toContain(code)
  api.clock.runFrom(new Date())
})

it('says which figures the store filter narrows, and gives no median when there is nothing to measure', async () => {
  const r = await report('from=2026-08-11&to=2026-08-11')
  const flag = (key: string) => [...r.metrics, ...r.series, ...r.tables].find((x) => x.key === key)?.storeScoped
  expect(['member_sales', 'avg_ticket', 'purchases', 'coupon_redemption_rate', 'feedback_tickets'].map(flag)).toEqual([
    true,
    true,
    true,
    true,
    true,
  ])
  expect(['members_total', 'points_issued', 'checkins', 'referral_funnel', 'tiers'].map(flag)).toEqual([
    false,
    false,
    false,
    false,
    false,
  ])
  const value = (key: string) => r.metrics.find((m) => m.key === key)?.value
  expect([value('feedback_first_response'), value('feedback_resolution_time'), value('feedback_tickets')]).toEqual([
    null,
    null,
    0,
  ])
})

it('counts members as of the range end, and marks the points outstanding as of today whatever the range', async () => {
  api.clock.runFrom('2026-08-20T04:00:00Z')
  await api.loginMember('kpi-asof-a')
  api.clock.runFrom('2026-08-25T04:00:00Z')
  await api.loginMember('kpi-asof-b')
  const figures = async (day: string) => {
    const r = await report(`from=${day}&to=${day}`)
    const metric = (key: string) => r.metrics.find((m) => m.key === key)!
    return { members: metric('members_total').value!, liability: metric('liability') }
  }
  const before = await figures('2026-08-20')
  const after = await figures('2026-08-25')
  // a past period's card compares like with like: member b joined after the 20th
  expect(after.members - before.members).toBe(1)
  expect(before.liability).toMatchObject({ asOfNow: true, value: after.liability.value })
  api.clock.runFrom(new Date())
})
