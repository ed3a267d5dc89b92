import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { givePoints, redeemGift } from '../support/mall-helpers'

jest.setTimeout(120_000)
const ctx = consoleUnderTest()

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

describe('console 积分商城 (Chromium, 1280px)', () => {
  it('creates a gift with a picture, restocks it with history, and ships a delivery the member then sees', async () => {
    const api = ctx.api()
    await api.loginStaff('mall-console-op', 'operator', null)
    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'mall-console-op', '#/points-mall')
    await page.waitForSelector('[data-testid=gift-form]')

    // Create: the form's fields, a picture uploaded through the file input, 自提 and 快递.
    await page.fill('[data-testid=gift-name]', '周年限定帆布袋')
    await page.selectOption('[data-testid=gift-kind]', 'goods')
    await page.fill('[data-testid=gift-category]', '精选好物')
    await page.fill('[data-testid=gift-pricePoints]', '800')
    await page.fill('[data-testid=gift-cash]', '19.9')
    await page.fill('[data-testid=gift-stock]', '20')
    await page.check('[data-testid=gift-fulfilment-delivery]')
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#b25e00' } })
      .png()
      .toBuffer()
    await page.setInputFiles('[data-testid=gift-image-input]', { name: 'bag.png', mimeType: 'image/png', buffer: png })
    await page.waitForSelector('[data-testid=gift-image] img')
    await page.click('[data-testid=gift-save]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=gift-message]')?.textContent?.includes('已保存礼品'),
    )
    const row = page.locator('[data-testid=gift-row]', { hasText: '周年限定帆布袋' })
    await row.waitFor()
    expect(await row.textContent()).toContain('20 / 20')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'console-points-mall')

    // Restock at the version seen, with a note: the history says what changed.
    await row.locator('[data-testid=gift-edit]').click()
    await page.fill('[data-testid=gift-stock]', '50')
    await page.fill('[data-testid=gift-note]', '补货 30 份')
    await page.click('[data-testid=gift-save]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=gift-message]')?.textContent?.includes('第 2 版'),
    )
    await row.locator('[data-testid=gift-history]').click()
    const change = page.locator('[data-testid=config-history-change]').first()
    await change.waitFor()
    expect(await change.textContent()).toBe('库存 20 → 50')
    await screenshot(page, 'console-gift-history')

    // A member redeems it for delivery; the operator ships it from 兑换订单.
    const operator = (await api.loginStaff('mall-console-op', 'operator', null)).accessToken
    const giftId = (await api.http.get('/api/ops/mall/gifts').set(bearer(operator))).body.items[0].giftId as string
    const member = await api.loginMember('console-mall-member')
    await givePoints(api, member, 1000, 'console-mall')
    const address = { name: '王五', phone: '13700137000', region: '上海市 黄浦区', detail: '人民大道 200 号' }
    const saved = await api.http.post('/api/me/addresses').set(bearer(member.accessToken)).send(address)
    const redeemed = await redeemGift(api, member, giftId, { fulfilment: 'delivery', addressId: saved.body.addressId })
    expect(redeemed.status).toBe(200)
    await page.selectOption('[data-testid=redemption-filter]', 'pending_pickup')
    await page.selectOption('[data-testid=redemption-filter]', 'pending_shipment')
    const order = page.locator('[data-testid=redemption-row]', { hasText: redeemed.body.redemptionId })
    await order.waitFor()
    expect(await order.textContent()).toContain('王* 137****7000 上海市 黄浦区 人民****') // masked (personal data)
    await order.locator('[data-testid=redemption-ship]').click()
    await page.fill('[data-testid=ship-carrier]', '顺丰')
    await page.fill('[data-testid=ship-tracking]', 'SF1234567890')
    await screenshot(page, 'console-gift-ship')
    await page.click('[data-testid=ship-save]')
    await page.waitForSelector('[data-testid=gift-redemptions] >> text=已发货：顺丰 SF1234567890')
    const mine = await api.http
      .get(`/api/me/mall/redemptions/${redeemed.body.redemptionId}`)
      .set(bearer(member.accessToken))
    expect(mine.body.statusText).toBe('已发货（顺丰 SF1234567890）')
    expect(errors).toEqual([])
  })
})
