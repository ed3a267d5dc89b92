import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { inputOffCentre, textOffCentre } from '../support/layout-checks'
import { createGift, givePoints } from '../support/mall-helpers'

jest.setTimeout(120_000)

const h5 = h5UnderTest({ env: { WELCOME_POINTS: '0' }, browsers: ['member'] })
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

describe('points mall delivery in Chromium at 320 px', () => {
  it('快递到家: the member adds an address, redeems, and sees the tracking number once shipped', async () => {
    const api = h5.api()
    const operator = (await api.loginStaff('e2e-ship-op', 'operator', null)).accessToken
    await createGift(api, operator, {
      name: '周年限定帆布袋',
      kind: 'goods',
      category: '精选好物',
      pricePoints: 800,
      fulfilment: ['pickup', 'delivery'],
    })
    const page = h5.page('member')
    await page.setViewportSize({ width: 320, height: 640 })
    await h5.loginMember(page, 'e2e-ship-member', `${api.url}/#/pages/card/index`)
    const member = await api.loginMember('e2e-ship-member')
    await givePoints(api, member, 1000, 'e2e-ship')

    await page.goto(`${api.url}/#/pages/mall/index`)
    await page.click('.gift-card >> text=周年限定帆布袋')
    await page.waitForSelector('.gift-redeem-button', { timeout: 15_000 })
    await page.click('.gift-fulfilment >> text=快递到家')
    await page.click('.address-add')
    const fields: [string, string][] = [
      ['name', '王小明'],
      ['phone', '13800001111'],
      ['region', '上海市浦东新区'],
      ['detail', '世纪大道 100 号 2 栋 1801 室'],
    ]
    for (const [key, value] of fields) await page.fill(`.address-input-${key} input`, value)
    for (const [key] of fields) expect(await inputOffCentre(page, `.address-input-${key}`)).toBeLessThanOrEqual(2)
    expect(await textOffCentre(page, '.address-save')).toBeLessThanOrEqual(2)
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'mall-address-form-320')
    await page.click('.address-save')
    await page.waitForSelector('.address-option--on >> text=王小明 13800001111')

    await page.click('.gift-redeem-button')
    await page.waitForSelector('.taro-modal__content')
    expect(await page.textContent('.taro-modal__content')).toContain('积分 1,000 → 200')
    await page.locator('.taro-modal__foot >> text=兑换').click()
    await page.waitForFunction(() => document.querySelector('.redemption-status')?.textContent === '待发货', null, {
      timeout: 15_000,
    })
    expect(await page.textContent('.redemption-facts')).toContain('世纪大道 100 号 2 栋 1801 室')
    expect(await page.locator('.pickup-code-digits').count()).toBe(0) // a delivery has no pickup code
    const id = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!

    const shipped = await api.http
      .post(`/api/ops/mall/redemptions/${id}/ship`)
      .set(bearer(operator))
      .send({ carrier: '顺丰速运', trackingNo: 'SF1234567890123' })
    expect(shipped.status).toBe(200)
    await page.reload()
    await page.waitForFunction(
      () => document.querySelector('.redemption-status')?.textContent === '已发货（顺丰速运 SF1234567890123）',
      null,
      { timeout: 15_000 },
    )
    expect(await page.locator('.redemption-cancel').count()).toBe(0) // shipped: too late to cancel
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'mall-shipped-320')
  })
})
