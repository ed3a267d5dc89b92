import { bearer } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * Coupons in the release build: the member claims one in the coupon centre, finds it in my coupons
 * and opens its detail, whose rotating code is the one the server issues for it. The detail page's
 * query arrives URL-encoded, as WeChat hands it to onLoad.
 */
jest.setTimeout(60_000)

let lane: WeappLane
let templateId: string
beforeAll(async () => {
  lane = await startWeappLane('production')
  const operator = (await lane.api.loginStaff('w-coupon-operator', 'operator', null)).accessToken
  templateId = await createTemplate(lane.api, operator, { name: '小程序专享满200减30', stock: 5 })
  await lane.loginWithWechat('o-weapp-coupons')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const get = async (url: string) => (await lane.api.http.get(url).set(bearer(lane.memberToken()))).body

it('claims a coupon in the coupon centre', async () => {
  await lane.tap('.card-to-coupons')
  const card = await lane.waitFor('.coupon-card', (n) => (n.dom.textContent ?? '').includes('小程序专享满200减30'))
  await lane.settle()
  expect(card.dom.textContent).toContain('仅剩 5 张')
  const claim = await lane.measure('coupon claim', () => lane.tap('.coupon-claim-button'))
  expect(claim.calls).toBeGreaterThan(0)
  expect(lane.wx.toasts).toContain('领取成功')
  expect(lane.text('.coupon-outcome')).toBe('领取成功')
  const mine = await get('/api/me/coupons?status=unused')
  expect(mine.items.map((c: { templateId: string }) => c.templateId)).toEqual([templateId])
  // The claim tap also asked for the expiry reminder (subscribe message); accepted, it is one credit.
  const { templates } = await get('/api/me/notifications')
  const expiring = templates.find((t: { kind: string }) => t.kind === 'coupon_expiring')
  expect(lane.wx.subscribeRequests).toEqual([[expiring.templateId]])
  expect(expiring.credits).toBe(1)
})

it("my coupons → coupon detail shows the coupon's code", async () => {
  await lane.tap('.coupons-to-my-coupons')
  const coupon = await lane.waitFor('.my-coupon')
  await lane.settle()
  await lane.tap(coupon)
  await lane.waitFor('.coupon-code-digits')
  await lane.settle()
  expect(lane.mp.top.route).toBe('pages/coupon-detail/index')
  expect(lane.mp.top.query.couponId).toMatch(/%23/) // still encoded, as WeChat passes it
  const [mine] = (await get('/api/me/coupons?status=unused')).items
  const code = await get(`/api/me/coupons/${encodeURIComponent(mine.couponId)}/code`)
  expect(lane.text('.coupon-code-digits').replace(/\s/g, '')).toBe(code.code)
  expect(lane.text('.coupon-detail-headline')).toBe(mine.headline)
  expect(lane.find('.coupon-qr')?.dom.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/)
  expect(lane.mp.stack.map((p) => p.route)).toEqual([
    'pages/card/index',
    'pages/coupons/index',
    'pages/my-coupons/index',
    'pages/coupon-detail/index',
  ])
})
