import { existsSync } from 'node:fs'
import path from 'node:path'
import { H5_DIST, agreeToPrivacyGuideIfAsked, launchBrowser, screenshot } from '../support/browser'
import { payment, startPayWorld, type PayWorld } from '../support/wechat-pay-helpers'
import { memberModels } from '../../server/src/modules/members/member.model'

jest.setTimeout(90_000)

let w: PayWorld
let browser: Awaited<ReturnType<typeof launchBrowser>>

beforeAll(async () => {
  if (!existsSync(path.join(H5_DIST, 'index.html')))
    throw new Error('H5 build missing: the test command builds it (npm run build:h5)')
  w = await startPayWorld({ H5_DIST_DIR: H5_DIST })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await w?.api.stop()
})

describe('H5: a WeChat Pay 智慧商圈 payment in the wallet', () => {
  it('a stub 商圈 payment → the member sees the points with 微信支付 as the channel, and how to turn it on', async () => {
    const { page } = browser
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(w.api.url)
    await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
    await page.fill('.dev-user-input input', 'e2e-wxpay')
    await page.click('.dev-login-button')
    await agreeToPrivacyGuideIfAsked(page)
    await page.waitForSelector('.card-member-no', { timeout: 20_000 })

    // The same member also has a WeChat identity (as after a WeChat login in the mini-program).
    const { member } = await w.api.ctx.services.members.findOrRegister({
      identity: 'dev:e2e-wxpay',
      nickname: 'e2e-wxpay',
      channel: 'dev',
      now: new Date(),
    })
    await memberModels(w.api.conn).MemberIdentity.create({
      _id: 'wx:o-e2e-wxpay',
      memberId: member._id,
      createdAt: new Date(),
    })
    const paid = await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000009001', 'o-e2e-wxpay', 8_800))
    expect(paid.status).toBe(204)

    await page.click('.card-to-wallet')
    await page.waitForSelector('.wallet-entry', { timeout: 15_000 })
    const first = (await page.textContent('.wallet-entry'))!
    expect(first).toContain('微信支付')
    expect(first).toContain('+88')
    expect(first).not.toContain('小票')
    const section = await page.waitForSelector('.wechat-pay-section', { timeout: 15_000 })
    expect(await section.getAttribute('data-state')).toBe('UNAUTHORIZED')
    expect(await section.textContent()).toContain('请在微信中打开本商场小程序')
    await screenshot(page, 'member-wallet-wechat-pay')
    expect(errors).toEqual([])
  })
})
