import { bearer } from '../support/api-harness'
import { createGift, givePoints } from '../support/mall-helpers'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The points mall in the release build: the member opens the 积分商城 tab, a gift, redeems it after the
 * confirmation (积分 before → after), lands on the redemption with its pickup code; the desk scans it in the
 * staff subpackage (wx.scanCode) and hands it over, once; then 我的兑换 reads 已领取.
 */
jest.setTimeout(60_000)

let lane: WeappLane
let giftId: string
beforeAll(async () => {
  lane = await startWeappLane('production')
  const operator = (await lane.api.loginStaff('w-mall-operator', 'operator', null)).accessToken
  giftId = await createGift(lane.api, operator, { name: '小程序专享洗车', pricePoints: 250 })
  await lane.loginWithWechat('o-weapp-mall')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const get = async (url: string) => (await lane.api.http.get(url).set(bearer(lane.memberToken()))).body

it('redeems a gift: confirmation, redemption page with the pickup code; the desk hands it over', async () => {
  const card = await get('/api/me/card')
  await givePoints(lane.api, { member: card } as never, 1000, 'weapp-mall')
  lane.mp.navigate('reLaunch', '/pages/mall/index')
  const gift = await lane.waitFor('.gift-card', (n) => (n.dom.textContent ?? '').includes('小程序专享洗车'))
  await lane.settle()
  await lane.tap(gift)
  await lane.waitFor('.gift-redeem-button', (n) => (n.dom.textContent ?? '').includes('立即兑换'))
  await lane.settle()
  expect(lane.mp.top.query.giftId).toBe(giftId)
  const before = (await get('/api/me/wallet')).balance
  await lane.tap('.gift-redeem-button')
  await lane.waitFor('.pickup-code-digits')
  await lane.settle()
  expect(lane.wx.modals).toContain(
    `用 250 积分兑换？: 积分 ${before.toLocaleString('en-US')} → ${(before - 250).toLocaleString('en-US')}`,
  )
  expect(lane.mp.top.route).toBe('pages/redemption/index')
  const id = lane.mp.top.query.id!
  const code = (await get(`/api/me/mall/redemptions/${id}/pickup-code`)).code as string
  expect(lane.text('.pickup-code-digits').replace(/\s/g, '')).toBe(code)
  expect(lane.text('.redemption-status')).toBe('待领取')

  // The desk, on the clerk's phone: staff subpackage, 礼品核销, wx.scanCode reads the member's code.
  await lane.api.addStore('WDESK')
  await lane.api.loginStaff('w-mall-desk', 'clerk', 'WDESK') // creates the account
  lane.mp.navigate('navigateTo', '/staff/pages/login/index')
  await lane.type('.staff-username', 'w-mall-desk')
  await lane.type('.staff-password', 'correct horse battery')
  await lane.tap('.staff-login-button')
  await lane.tap(await lane.waitFor('.tile-pickup'))
  await lane.waitFor('.staff-scan-button')
  await lane.settle()
  lane.wx.scans.push(code)
  await lane.tap('.staff-scan-button')
  await lane.waitFor('.pickup-usable')
  await lane.settle()
  expect(lane.text('.pickup-preview__name')).toBe('小程序专享洗车')
  await lane.tap('.pickup-confirm')
  await lane.waitFor('.pickup-result')
  await lane.settle()
  expect(lane.text('.pickup-result__headline')).toBe('发放成功')
  // The code works once: scanned again, the desk is told it was handed over, with nothing to confirm.
  await lane.tap('.pickup-again')
  await lane.waitFor('.staff-scan-button')
  lane.wx.scans.push(code)
  await lane.tap('.staff-scan-button')
  await lane.waitFor('.pickup-reason')
  await lane.settle()
  expect(lane.find('.pickup-confirm')).toBeUndefined()

  lane.mp.navigate('reLaunch', '/pages/my-redemptions/index')
  const row = await lane.waitFor('.redemption-row')
  await lane.settle()
  expect(row.dom.textContent).toContain('已领取')
  expect((await get('/api/me/wallet')).balance).toBe(before - 250)
})
