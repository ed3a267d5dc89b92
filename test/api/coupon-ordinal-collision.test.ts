import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

/**
 * A points-priced claim whose per-member ordinal was taken meanwhile hands its slot back and takes it
 * again under the next ordinal; when its payment then fails, the slot must still go back to the
 * stock. Each round, one new member (who can pay for one coupon) sends 20 claims at once: all start
 * from ordinal 1, so all but one move on to another ordinal, and all but one payment fail.
 */
jest.setTimeout(120_000)

let api: TestApi
let operator: string
beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('op-collide', 'operator', null)).accessToken
})
afterAll(() => api.stop())

async function stockLeft(templateId: string): Promise<number> {
  const viewer = await api.loginMember('collide-viewer')
  const res = await api.http.get('/api/coupons').set(bearer(viewer.accessToken))
  return res.body.items.find((t: { templateId: string }) => t.templateId === templateId).stockLeft
}

describe('claims that collide on the member ordinal and then fail to pay', () => {
  it('leave no coupon pending and no slot lost', async () => {
    const stock = 100
    const price = api.config.welcomeGift.points // a new member can pay for exactly one
    const tid = await createTemplate(api, operator, { stock, perMemberLimit: 20, pricePoints: price })
    const { Coupon, SlotHole } = couponModels(api.conn)
    const rounds = 3
    for (let round = 1; round <= rounds; round++) {
      const m = await api.loginMember(`collide-${round}`)
      const all = await Promise.all(Array.from({ length: 20 }, () => claim(api, m.accessToken, tid)))
      expect(all.filter((r) => r.status === 200)).toHaveLength(1)
      for (const r of all.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('POINTS.INSUFFICIENT')
    }
    // Payments failed after slots were taken (not only the early balance check): their holes are recorded.
    expect(await SlotHole.countDocuments({ templateId: tid })).toBeGreaterThan(0)
    const pending = await Coupon.countDocuments({ templateId: tid, state: 'pending_payment' })
    const live = await Coupon.countDocuments({ templateId: tid })
    expect({ pending, live, stockLeft: await stockLeft(tid) }).toEqual({
      pending: 0,
      live: rounds,
      stockLeft: stock - rounds,
    })
  })
})
