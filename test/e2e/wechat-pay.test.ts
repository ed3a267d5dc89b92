import { h5UnderTest, screenshot } from '../support/h5-harness'
import { payment, startPayWorld } from '../support/wechat-pay-helpers'
import { memberModels } from '../../server/src/modules/members/member.model'

jest.setTimeout(90_000)

const h5 = h5UnderTest({ start: startPayWorld })

describe('H5: a WeChat Pay 智慧商圈 payment in the wallet', () => {
  it('a stub 商圈 payment → the member sees the points with 微信支付 as the channel, and how to turn it on', async () => {
    const [w, page] = [h5.world(), h5.page()]
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await h5.loginMember(page, 'e2e-wxpay')

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
