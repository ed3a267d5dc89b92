import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { bearer } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { textOffCentre } from '../support/layout-checks'
import { createGift, givePoints, redeemGift } from '../support/mall-helpers'

jest.setTimeout(120_000)

const h5 = h5UnderTest({ env: { WELCOME_POINTS: '0' }, browsers: ['member', 'staff'] })

/** The Taro H5 modal's buttons. */
const modalButton = (label: string, page = h5.page('member')) => page.locator(`.taro-modal__foot >> text=${label}`)
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

describe('points mall in Chromium (375 px; the cancel at 320 px)', () => {
  it('redeem a gift → pickup code → the desk hands it over → the member sees 已领取', async () => {
    const api = h5.api()
    await api.addStore('DESK')
    await api.loginStaff('e2e-desk', 'clerk', 'DESK')
    const operator = (await api.loginStaff('e2e-mall-op', 'operator', null)).accessToken
    const png = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#2f6bff' } })
      .png()
      .toBuffer()
    const image = await api.http
      .post('/api/ops/mall/images')
      .set(bearer(operator))
      .send({ dataUrl: `data:image/png;base64,${png.toString('base64')}` })
    const giftId = await createGift(api, operator, {
      name: '精致洗车一次（含内饰吸尘）',
      category: '生活服务',
      pricePoints: 300,
      imageIds: [image.body.imageId],
      availableTo: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    })
    await createGift(api, operator, { name: '星巴克中杯咖啡', category: '餐饮', pricePoints: 5000 })

    // The member logs in, gets points, opens the mall.
    const page = h5.page('member')
    await h5.loginMember(page, 'e2e-mall-member', `${api.url}/#/pages/card/index`)
    await givePoints(api, await api.loginMember('e2e-mall-member'), 1000, 'e2e-mall')
    await page.goto(`${api.url}/#/pages/mall/index`)
    await page.waitForSelector('.gift-card', { timeout: 20_000 })
    expect(await page.textContent('.mall-balance')).toContain('1,000')
    expect(await page.locator('.gift-card').count()).toBe(2)
    // The square thumbnail fills the card's taller picture box cropped, as WeChat's aspectFill does, not stretched.
    await page.waitForFunction(() => (document.querySelector('.gift-card img') as HTMLImageElement)?.naturalWidth > 0)
    const thumb = await page
      .locator('.gift-card img')
      .first()
      .evaluate((img: HTMLImageElement) => {
        const box = img.parentElement!.getBoundingClientRect()
        return {
          fit: getComputedStyle(img).objectFit,
          square: img.naturalWidth === img.naturalHeight,
          box: box.width / box.height,
        }
      })
    expect(thumb.square).toBe(true)
    expect(Math.abs(thumb.box - 1)).toBeGreaterThan(0.05) // the box is not square: stretching would show
    expect(thumb.fit).toBe('cover')
    await screenshot(page, 'mall-catalogue')
    await page.click('.mall-redeemable-filter')
    expect(await page.locator('.gift-card').count()).toBe(1) // the 5,000-point coffee is out of reach
    expect(await fitsWidth(page)).toBe(true)

    // Gift detail, redeem with the confirmation showing the balance before → after.
    await page.click(`.gift-card[data-gift-id="${giftId}"]`)
    await page.waitForSelector('.gift-redeem-button', { timeout: 15_000 })
    expect(await page.textContent('.gift-name')).toContain('精致洗车')
    await screenshot(page, 'mall-gift-detail')
    await page.click('.gift-redeem-button')
    await page.waitForSelector('.taro-modal__content')
    expect(await page.textContent('.taro-modal__content')).toContain('积分 1,000 → 700')
    await screenshot(page, 'mall-redeem-confirm')
    await modalButton('兑换').click()

    // The redemption page: 待领取 and a pickup code.
    await page.waitForSelector('.pickup-code-digits', { timeout: 15_000 })
    expect(await page.textContent('.redemption-status')).toBe('待领取')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'mall-pickup-code')
    const code = (await page.textContent('.pickup-code-digits'))!.replace(/\s/g, '')
    expect(code).toMatch(/^3[0-9]{23}$/)

    // The desk: staff subpackage, 礼品核销, types the code, confirms.
    const staff = h5.page('staff')
    await h5.loginStaff(staff, 'e2e-desk', '.tile-pickup')
    await staff.click('.tile-pickup')
    await staff.waitForSelector('.pickup-code-input input')
    await staff.fill('.pickup-code-input input', code)
    await staff.click('.pickup-code-submit')
    await staff.waitForSelector('.pickup-usable', { timeout: 15_000 })
    expect(await staff.textContent('.pickup-preview')).toContain('e***r') // the member's name, masked for staff
    await screenshot(staff, 'desk-pickup-preview')
    await staff.click('.pickup-confirm')
    await staff.waitForSelector('.pickup-result', { timeout: 15_000 })
    await screenshot(staff, 'desk-pickup-done')

    // The member's page, still open on the code, says 已领取 within seconds (it asks every 3 s; the code
    // itself rotates every 30 s), and so does the list.
    await page.waitForFunction(() => document.querySelector('.redemption-status')?.textContent === '已领取', null, {
      timeout: 8_000,
    })
    expect(await page.locator('.pickup-code-digits').count()).toBe(0)
    await screenshot(page, 'mall-picked-up')
    await page.goto(`${api.url}/#/pages/my-redemptions/index`)
    await page.waitForSelector('.redemption-row', { timeout: 15_000 })
    expect(await page.textContent('.redemption-status')).toBe('已领取')
    await screenshot(page, 'mall-my-redemptions')
    const again = await api.http
      .post('/api/staff/mall/pickups')
      .set(bearer((await api.loginStaff('e2e-desk-2', 'clerk', 'DESK')).accessToken))
      .send({ code })
    expect(again.status).toBe(409)
  })

  it('at 320 px the member cancels a redemption: the points come back and the code is gone', async () => {
    const api = h5.api()
    const operator = (await api.loginStaff('e2e-mall-op', 'operator', null)).accessToken
    const giftId = await createGift(api, operator, { name: '电影院双人观影体验', kind: 'experience', pricePoints: 400 })
    const { page } = await h5.newBrowser() // a member of its own (the first test's is still signed in)
    await page.setViewportSize({ width: 320, height: 640 })
    await h5.loginMember(page, 'e2e-mall-canceller', `${api.url}/#/pages/card/index`)
    const member = await api.loginMember('e2e-mall-canceller')
    await givePoints(api, member, 1000, 'e2e-mall-cancel')
    const redeemed = await redeemGift(api, member, giftId)
    expect(redeemed.status).toBe(200)
    await page.goto(`${api.url}/#/pages/redemption/index?id=${redeemed.body.redemptionId}`)
    await page.waitForSelector('.pickup-code-digits', { timeout: 15_000 })
    expect(await fitsWidth(page)).toBe(true)
    expect(await textOffCentre(page, '.pickup-code-panel .code-refresh')).toBeLessThanOrEqual(2) // 刷新 in its pill
    await screenshot(page, 'mall-pickup-code-320')
    await page.click('.redemption-cancel')
    await page.waitForSelector('.taro-modal__content')
    expect(await page.textContent('.taro-modal__content')).toContain('400 积分将退回账户')
    await modalButton('取消兑换', page).click()
    await page.waitForFunction(() => document.querySelector('.redemption-status')?.textContent === '已取消', null, {
      timeout: 15_000,
    })
    expect(await page.locator('.pickup-code-digits').count()).toBe(0)
    expect(await page.locator('.redemption-cancel').count()).toBe(0)
    expect(await page.textContent('.redemption-facts')).toContain('退回积分')
    expect((await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body.balance).toBe(1000)
    await screenshot(page, 'mall-cancelled-320')
  })
})
