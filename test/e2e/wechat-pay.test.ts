import { shanghaiDateTime } from '@mall/shared'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { receiptImage } from '../support/receipt-photo-helpers'
import { payment, startPayWorld } from '../support/wechat-pay-helpers'
import { memberModels } from '../../server/src/modules/members/member.model'

jest.setTimeout(90_000)

const h5 = h5UnderTest({ start: startPayWorld, browsers: ['member', 'receipt'] })

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

describe('H5: a receipt photo of a purchase 商圈 already earned', () => {
  it('OCR reads the 微信支付单号 off the receipt; submitting says it earned through 微信支付 and when', async () => {
    const [w, page] = [h5.world(), h5.page('receipt')]
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    const txn = '4200000000202612069000000001'
    // the minute 商圈 earned it (the delivery may cross a minute)
    const earnedAt = [shanghaiDateTime(w.api.clock.now())]
    const paid = await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-e2e-wxpay', 12_800))
    expect(paid.status).toBe(204)
    earnedAt.push(shanghaiDateTime(w.api.clock.now()))
    const photo = await receiptImage(
      {
        store: '微信门店',
        receiptNo: 'WXE2E01',
        time: shanghaiDateTime(w.api.clock.now(), { seconds: true }),
        total: '128.00',
        items: [
          ['拿铁 大杯', '128.00'],
          ['微信支付单号:', ''],
          [txn, ''],
        ],
      },
      { seed: 40 }, // lying straight, as a member photographs a receipt to be read
    )
    const hasOcr = (await w.api.ctx.services.receiptOcr.languages()) !== null

    await h5.loginMember(page, 'e2e-wxpay-receipt')
    await page.click('.card-to-receipts')
    await page.waitForSelector('.receipt-form', { timeout: 20_000 })
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('.receipt-photo-pick')])
    await chooser.setFiles({ name: 'receipt.jpg', mimeType: 'image/jpeg', buffer: photo })
    if (hasOcr) {
      // The reading may not have begun when the file is set (waiting for '.receipt-reading' to go could
      // pass before it appears): wait for the field the reading fills.
      await page.waitForFunction(
        (want) => document.querySelector<HTMLInputElement>('.receipt-txn input')?.value === want,
        txn,
        { timeout: 30_000 },
      )
    } else {
      await page.waitForSelector('.receipt-reading', { state: 'detached', timeout: 30_000 })
      await page.fill('.receipt-amount input', '128.00')
      await page.fill('.receipt-no input', 'WXE2E01')
      await page.fill('.receipt-txn input', txn)
    }
    await page.click('.receipt-store')
    await page.click('.weui-picker__action:visible:has-text("确定")')
    expect(await page.textContent('.receipt-store')).toContain('微信门店')
    await page.click('.receipt-submit')
    const problem = await page.waitForSelector('.receipt-problem', { timeout: 20_000 })
    expect(earnedAt.map((at) => `这笔消费已于 ${at} 通过微信支付积分，不能重复积分`)).toContain(
      await problem.textContent(),
    )
    await screenshot(page, 'member-receipt-already-wechat-pay')
    expect(await page.$('.receipt-item')).toBeNull() // nothing submitted
    expect(errors).toEqual([])
  })
})
