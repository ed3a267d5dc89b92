import { DEFAULT_TIERS, type MemberLoginResponse, type TierDefinition } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'

/** The tier benefit "N coupons every month", issued by the keyed daily job. */
let api: TestApi
let operator: string
let templateId: string

beforeAll(async () => {
  api = await startTestApi()
  api.clock.set('2026-12-10T04:00:00Z')
  operator = (await api.loginStaff('op-tmc', 'operator', null)).accessToken
  // Stock 7: December needs 5, so January runs short. Paused: only the benefit hands it out.
  templateId = await createTemplate(api, operator, {
    name: '会员月度券',
    stock: 7,
    claimEnd: '2027-12-31T00:00:00.000Z',
    validity: { kind: 'relative', days: 60 },
  })
  expect(
    (
      await api.http
        .post(`/api/ops/coupon-templates/${templateId}/status`)
        .set(bearer(operator))
        .send({ status: 'paused' })
    ).status,
  ).toBe(200)
  const tiers: TierDefinition[] = DEFAULT_TIERS.map((t) => ({
    ...t,
    benefits: { ...t.benefits, monthlyCouponTemplateId: t.level >= 2 ? templateId : null },
  }))
  tiers[1]!.benefits.monthlyCoupons = 2 // silver
  tiers[2]!.benefits.monthlyCoupons = 1 // gold
  const res = await api.http
    .put('/api/ops/rules')
    .set(bearer(operator))
    .send({ section: 'tiers', value: tiers, note: '每月专享券' })
  expect(res.status).toBe(200)
})
afterAll(() => api.stop())

const runJob = async () => {
  const res = await api.http.post('/api/ops/jobs/grant-tier-monthly-coupons').set(bearer(operator)).send({})
  expect(res.status).toBe(200)
  return res.body.result
}
const couponsOf = async (m: MemberLoginResponse) => {
  const res = await api.http.get('/api/me/coupons').set(bearer(m.accessToken))
  return res.body.items.filter((c: { templateId: string }) => c.templateId === templateId).length
}

it(
  'gives each member of a tier with the benefit its coupons once ' +
    'a month, also after an upgrade, never twice even when runs race',
  async () => {
    const names = ['tmc-silver', 'tmc-gold', 'tmc-plain']
    let [silver, gold, plain] = await Promise.all(names.map((n) => api.loginMember(n)))
    await api.ctx.services.members.setTier(silver!.member.memberId, 2)
    await api.ctx.services.members.setTier(gold!.member.memberId, 3)

    // Two runs at once (two processes' schedulers): the coupons' keyed ordinals let only one through.
    const [a, b] = await Promise.all([runJob(), runJob()])
    expect(a.granted + b.granted).toBe(3)
    expect(a.month).toBe('2026-12')
    expect([await couponsOf(silver!), await couponsOf(gold!), await couponsOf(plain!)]).toEqual([2, 1, 0])
    expect(await runJob()).toMatchObject({ members: 0, granted: 0 })

    // Moving up mid-month brings the month's coupons at the next run.
    await api.ctx.services.members.setTier(plain!.member.memberId, 2)
    expect(await runJob()).toMatchObject({ members: 1, granted: 2 })
    expect(await couponsOf(plain!)).toBe(2)

    // January: 5 coupons due, 2 left in stock. Those refused are retried by later runs, none doubled.
    api.clock.set('2027-01-02T04:00:00Z')
    // Sessions are short-lived: everyone logs in again a month later.
    ;[silver, gold, plain] = await Promise.all(names.map((n) => api.loginMember(n)))
    operator = (await api.loginStaff('op-tmc', 'operator', null)).accessToken
    const january = await runJob()
    expect(january).toMatchObject({ month: '2027-01', granted: 2 })
    expect(january.refused['COUPON.SOLD_OUT']).toBeGreaterThanOrEqual(1)
    expect(await runJob()).toMatchObject({ granted: 0 })
    const held = [await couponsOf(silver!), await couponsOf(gold!), await couponsOf(plain!)]
    expect(held.reduce((x, y) => x + y, 0)).toBe(7)
  },
)

it('refuses a tier benefit naming something that is not a coupon template number', async () => {
  const tiers = DEFAULT_TIERS.map((t) => ({ ...t, benefits: { ...t.benefits, monthlyCouponTemplateId: 'abc' } }))
  const res = await api.http
    .put('/api/ops/rules')
    .set(bearer(operator))
    .send({ section: 'tiers', value: tiers, note: '' })
  expect(res.status).toBe(400)
})
