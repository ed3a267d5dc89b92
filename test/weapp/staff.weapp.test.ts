import type { MemberLoginResponse } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { withoutMemberDay } from '../support/points-helpers'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The staff subpackage in the release build, on the clerk's phone: login from the member login
 * page's 员工登录 link, then wx.scanCode for the member code (award points for a receipt) and for a
 * coupon code (核销). The camera covers the page while it scans: onHide, then onShow before the
 * result arrives, as on a phone.
 */
jest.setTimeout(60_000)

let lane: WeappLane
let shopper: MemberLoginResponse
beforeAll(async () => {
  lane = await startWeappLane('production')
  await withoutMemberDay(lane.api) // the points checked are without the 18th's double points
  await lane.api.addStore('WS')
  await lane.api.loginStaff('w-clerk', 'clerk', 'WS') // creates the account (password: correct horse battery)
  shopper = await lane.api.loginMember('w-shopper')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const asShopper = async (url: string) => (await lane.api.http.get(url).set(bearer(shopper.accessToken))).body

it('a clerk logs in from the member login page', async () => {
  await lane.launch('/pages/card/index')
  await lane.tap('.to-staff-login')
  await lane.waitFor('.staff-login-button')
  await lane.settle()
  expect(lane.mp.top.route).toBe('staff/pages/login/index')
  await lane.type('.staff-username', 'w-clerk')
  await lane.type('.staff-password', 'correct horse battery')
  await lane.tap('.staff-login-button')
  await lane.waitFor('.tile-award')
  await lane.settle()
  expect(lane.mp.top.route).toBe('staff/pages/home/index')
  expect(lane.text('.staff-store')).toContain('WS')
})

it('scans the member code with wx.scanCode and awards points for a receipt', async () => {
  await lane.tap('.tile-award')
  await lane.waitFor('.staff-scan-button')
  await lane.settle()
  lane.wx.scans.push((await asShopper('/api/me/member-code')).code)
  await lane.tap('.staff-scan-button')
  await lane.waitFor('.scanned-member')
  await lane.settle()
  expect(lane.wx.calls).toContain('scanCode')
  expect(lane.text('.scanned-balance')).toBe(String(lane.api.config.welcomeGift.points))

  await lane.type('.receipt-input', 'WX-0001')
  await lane.type('.amount-input', '128.50')
  await lane.tap('.award-confirm')
  await lane.waitFor('.award-result')
  await lane.settle()
  expect(lane.text('.award-points')).toContain('128')
  const wallet = await asShopper('/api/me/wallet')
  expect(wallet.balance).toBe(lane.api.config.welcomeGift.points + 128)
  await lane.back()
})

it('scans a coupon code and redeems it', async () => {
  const operator = (await lane.api.loginStaff('w-operator', 'operator', null)).accessToken
  const templateId = await createTemplate(lane.api, operator, { name: '核销测试券' })
  const couponId = (await claim(lane.api, shopper.accessToken, templateId)).body.couponId as string
  const { code } = await asShopper(`/api/me/coupons/${encodeURIComponent(couponId)}/code`)

  await lane.tap('.tile-redeem')
  await lane.waitFor('.staff-scan-button')
  await lane.settle()
  lane.wx.scans.push(code)
  await lane.tap('.staff-scan-button')
  await lane.waitFor('.preview-usable')
  await lane.settle()
  expect(lane.text('.coupon-preview__name')).toBe('核销测试券')
  await lane.tap('.redeem-confirm')
  await lane.waitFor('.redeem-result')
  await lane.settle()
  const used = (await asShopper('/api/me/coupons?status=used')).items as { couponId: string }[]
  expect(used.map((c) => c.couponId)).toEqual([couponId])
})

it('a cancelled scan leaves the page as it was', async () => {
  await lane.tap('.redeem-again')
  await lane.waitFor('.staff-scan-button')
  await lane.tap('.staff-scan-button') // nothing queued: the clerk closes the camera
  await lane.settle()
  expect(lane.find('.coupon-preview')).toBeUndefined()
  expect(lane.wx.toasts).not.toContain('扫码失败，请手动输入')
})
