import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { startTestApi, type TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { balanceOf } from '../support/points-helpers'

/**
 * SWEEP_GRACE_SECONDS (test runs only, so the chaos suites need not wait 30 s): the sweepers settle an
 * intent a crash left half-done once it is that old, and do the same work with it as after 30 s.
 */
let api: TestApi
let operator: string

beforeAll(async () => {
  api = await startTestApi({ SWEEP_GRACE_SECONDS: '3' })
  operator = (await api.loginStaff('op-grace', 'operator', null)).accessToken
})
afterAll(() => api.stop())

it('a claim cut before its debit is released once it is older than the grace, not before', async () => {
  const tid = await createTemplate(api, operator, { pricePoints: 30, stock: 1 })
  const member = await api.loginMember('grace-crash')
  const { Coupon } = couponModels(api.conn)
  const at = api.clock.now()
  await Coupon.collection.insertOne({
    _id: `${tid}#1`,
    templateId: tid,
    slot: 1,
    memberId: member.member.memberId,
    ordinal: 1,
    claimId: 'claim-grace',
    state: 'pending_payment',
    validFrom: at.toISOString(),
    validTo: new Date(at.getTime() + 7 * 86400_000).toISOString(),
    claimedAt: at,
    redeemedAt: null,
    redeemedBy: null,
    redeemedStoreId: null,
  } as never)

  api.clock.advance(2_000)
  expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ activated: 0, released: 0 })
  api.clock.advance(2_000) // 4 s old: past the 3 s grace, far from the production 30 s
  expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ activated: 0, released: 1 })
  expect(await Coupon.findById(`${tid}#1`).lean()).toBeNull()
  expect(await balanceOf(api, member)).toBe(100) // never charged
})
