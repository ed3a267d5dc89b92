import fc from 'fast-check'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

/**
 * "N left" in the coupon centre is exact whenever no claim is in flight: random sequences of claims,
 * refusals on the member's limit, claims whose points payment fails, redemptions and undos, and after
 * each step no coupon is left pending and the centre's figure equals the stock less the coupons that
 * exist. Then the rest of the stock is claimed by new members: every claim succeeds while the centre
 * says some are left, and the centre says sold out exactly when a claim is refused as sold out.
 */
jest.setTimeout(300_000)

let api: TestApi
let operator: string
let clerk: string
let memberSeq = 0
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
  operator = (await api.loginStaff('op-stock', 'operator', null)).accessToken
  clerk = (await api.loginStaff('clerk-stock', 'clerk', 'S1')).accessToken
})
afterAll(() => api.stop())

const newMember = () => api.loginMember(`stock-${++memberSeq}`)

async function centre(token: string, templateId: string): Promise<{ stockLeft: number; blocker: string | null }> {
  const res = await api.http.get('/api/coupons').set(bearer(token))
  return res.body.items.find((t: { templateId: string }) => t.templateId === templateId)
}

type Step = 'claim' | 'refuse' | 'payFail' | 'raceRefuse' | 'redeem' | 'undo'
const step = fc.constantFrom<Step>('claim', 'refuse', 'payFail', 'raceRefuse', 'redeem', 'undo')

describe('coupon stock left', () => {
  it('equals stock minus live coupons after every step of random sequences', async () => {
    const welcome = api.config.welcomeGift.points
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
        const stock = 6
        // the template costs exactly the welcome gift: a member may claim two but can pay for one
        const tid = await createTemplate(api, operator, { stock, perMemberLimit: 2, pricePoints: welcome })
        const { Coupon } = couponModels(api.conn)
        const holders: { token: string; couponId: string }[] = []
        const redeemed: string[] = []
        for (const s of steps) {
          if (s === 'claim') {
            const m = await newMember()
            const res = await claim(api, m.accessToken, tid)
            if (res.status === 200) holders.push({ token: m.accessToken, couponId: res.body.couponId })
          } else if (s === 'refuse' && holders.length > 0) {
            expect((await claim(api, holders[0]!.token, tid)).status).toBe(409) // can't pay, or over the limit
          } else if (s === 'payFail' || s === 'raceRefuse') {
            // claims at once by a member who can pay for one: a payment fails after its slot was taken, and
            // with three the third is refused on the member's limit of two
            const m = await newMember()
            const all = await Promise.all(
              Array.from({ length: s === 'payFail' ? 2 : 3 }, () => claim(api, m.accessToken, tid)),
            )
            for (const r of all) if (r.status === 200) holders.push({ token: m.accessToken, couponId: r.body.couponId })
          } else if (s === 'redeem' && holders.length > redeemed.length) {
            const h = holders.find((x) => !redeemed.includes(x.couponId))!
            const code = (
              await api.http.get(`/api/me/coupons/${encodeURIComponent(h.couponId)}/code`).set(bearer(h.token))
            ).body.code
            expect((await api.http.post('/api/staff/coupons/redeem').set(bearer(clerk)).send({ code })).status).toBe(
              200,
            )
            redeemed.push(h.couponId)
          } else if (s === 'undo' && redeemed.length > 0) {
            const id = redeemed.pop()!
            expect(
              (
                await api.http
                  .post(`/api/staff/coupons/${encodeURIComponent(id)}/undo`)
                  .set(bearer(clerk))
                  .send()
              ).status,
            ).toBe(200)
          }
          // a failed payment gives its slot back before the answer: nothing is left pending to count as live
          expect(await Coupon.countDocuments({ templateId: tid, state: 'pending_payment' })).toBe(0)
          const live = await Coupon.countDocuments({ templateId: tid })
          const viewer = await newMember()
          expect((await centre(viewer.accessToken, tid)).stockLeft).toBe(stock - live)
        }
        // the rest of the stock: each claim the centre promises succeeds, then it says sold out
        const viewer = await newMember()
        for (let left = (await centre(viewer.accessToken, tid)).stockLeft; left > 0; left--) {
          const m = await newMember()
          const res = await claim(api, m.accessToken, tid)
          expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 200, code: undefined })
          expect((await centre(viewer.accessToken, tid)).stockLeft).toBe(left - 1)
        }
        expect((await centre(viewer.accessToken, tid)).blocker).toBe('SOLD_OUT')
        const late = await newMember()
        expect((await claim(api, late.accessToken, tid)).body.error.code).toBe('COUPON.SOLD_OUT')
      }),
      { numRuns: 12, seed: 20261205 },
    )
  })
})
