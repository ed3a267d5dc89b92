import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { storeModel } from '../../server/src/modules/stores/store.model'
import { h5UnderTest, screenshot } from '../support/h5-harness'

/**
 * The member app's structure in Chromium at phone sizes: the four tabs, the member code visible without
 * scrolling on 会员码, the home page an operator fills (banners, announcements, events, store directory),
 * 我的 with phone binding explained and logout, back navigation on sub pages, unknown routes, favicon, and
 * a code the till just used replaced by the refresh at once. Screenshots at 320 and 375 px wide.
 */
jest.setTimeout(180_000)
const h5 = h5UnderTest()

const SIZES = [
  { width: 320, height: 568 },
  { width: 375, height: 667 },
]

const STORES = [
  { _id: 'D1', name: '星巴克臻选', floor: '1F', category: '餐饮', opensAt: '08:00', closesAt: '22:00' },
  { _id: 'D2', name: '优衣库', floor: '2F', category: '服饰', opensAt: '10:00', closesAt: '22:00' },
  { _id: 'D3', name: '海底捞火锅', floor: '5F', category: '餐饮', opensAt: '10:00', closesAt: '23:30' },
  { _id: 'D4', name: 'Apple 授权专营店', floor: '1F', category: '数码', opensAt: '10:00', closesAt: '22:00' },
  { _id: 'D5', name: '盒马鲜生', floor: 'B1', category: '超市', opensAt: '08:00', closesAt: '22:00' },
  { _id: 'D6', name: '万达影城 IMAX', floor: '6F', category: '娱乐', opensAt: '09:30', closesAt: '24:00' },
]

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
const inDays = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  const api = h5.api()
  for (const s of STORES) {
    await storeModel(api.conn).updateOne(
      { _id: s._id },
      { $set: { ...s, multiplierPermille: 1000, active: true } },
      { upsert: true },
    )
  }
  const operator = (await api.loginStaff('e2e-home-ops', 'operator', null)).accessToken
  const saved = await api.http
    .put('/api/ops/home-content')
    .set(bearer(operator))
    .send({
      version: 0,
      banners: [
        {
          id: 'double',
          title: '周末会员日 积分双倍',
          subtitle: '全场消费满 ¥100 享双倍积分',
          link: '/pages/coupons/index',
        },
        { id: 'xmas', title: '圣诞季 好礼相送', subtitle: '积分兑换限量礼盒' },
      ],
      announcements: [
        {
          id: 'parking',
          title: 'B2 停车场 12 月 8 日起分区改造',
          body: '改造期间请停 B1，会员停车优惠不变。',
          publishedOn: today(),
        },
        { id: 'hours', title: '元旦假期营业时间延长至 23:00', body: '', publishedOn: inDays(-3) },
      ],
      events: [
        {
          id: 'market',
          title: '圣诞市集',
          place: '1F 中庭',
          summary: '手作、美食与现场乐队',
          startsOn: inDays(2),
          endsOn: inDays(9),
        },
        {
          id: 'kids',
          title: '亲子烘焙课',
          place: '4F 儿童乐园',
          summary: '会员免费报名',
          startsOn: inDays(5),
          endsOn: inDays(5),
        },
        { id: 'past', title: '已结束的活动', place: '', summary: '', startsOn: inDays(-30), endsOn: inDays(-20) },
      ],
    })
  expect(saved.status).toBe(200)
})

const tab = (page: Page, label: string) => page.click(`.weui-tabbar__label:text-is("${label}")`)

/** What the member sees at each phone size: the first screen, then the whole page (panel scrolled). */
async function walk(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size)
    await page.waitForTimeout(300)
    await screenshot(page, `${name}-${size.width}`)
    // the page scrolls inside Taro's panel, not the document: grow the window to the page to see all of it
    const height = await page.evaluate(() => {
      const shown = [...document.querySelectorAll('.taro_page')].filter((p) => getComputedStyle(p).display !== 'none')
      return shown.at(-1)?.scrollHeight ?? 0
    })
    if (height > size.height) {
      await page.setViewportSize({ width: size.width, height: height + 120 })
      await page.waitForTimeout(300)
      await screenshot(page, `${name}-${size.width}-full`)
    }
  }
  await page.setViewportSize({ width: 375, height: 667 })
}

/** No element of the page sticks out sideways (a phone would scroll horizontally). */
async function noSidewaysOverflow(page: Page) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    return [...document.querySelectorAll('.taro_page:not([style*="display: none"]) *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.dir-chips, .home-banners'))
      .map((el) => el.className)
      .slice(0, 5)
  })
  expect(overflow).toEqual([])
}

describe('H5 member app structure', () => {
  it('lands on 会员码 after login with the code in the first screen at 320 and 375 px, tabs to every page', async () => {
    const page = h5.page()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.setViewportSize({ width: 320, height: 568 })
    await h5.loginMember(page, 'e2e-home-member')
    await page.waitForSelector('.member-qr img')
    for (const size of SIZES) {
      await page.setViewportSize(size)
      await page.waitForTimeout(200)
      // the QR, the barcode and the digits are all above the tab bar without scrolling
      const tabBarTop = (await page.locator('.weui-tabbar').boundingBox())!.y
      for (const hook of ['.member-qr', '.member-barcode', '.member-code-digits']) {
        const box = (await page.locator(hook).boundingBox())!
        expect({ hook, bottom: Math.round(box.y + box.height) <= tabBarTop }).toEqual({ hook, bottom: true })
      }
      await screenshot(page, `member-code-tab-${size.width}`)
    }
    expect(await page.textContent('.weui-tabbar')).toMatch(/首页.*会员码.*积分商城.*我的/)

    await tab(page, '首页')
    await page.waitForSelector('.home-banner')
    expect(await page.textContent('.home-member')).toContain('出示会员码')
    expect(await page.textContent('.home-announcements')).toContain('B2 停车场')
    const events = await page.locator('.home-event__title').allTextContents()
    expect(events).toEqual(['圣诞市集', '亲子烘焙课'])
    expect(await page.locator('.dir-store').count()).toBe(STORES.length)
    // every way to earn or spend is one tap from 首页 and from 我的
    expect(await page.locator('.home-entry__label').allTextContents()).toEqual([
      '领券中心',
      '每日签到',
      '积分明细',
      '邀请有礼',
      '积分抽奖',
      '小票积分',
      '积分补登',
      '意见反馈',
    ])
    await noSidewaysOverflow(page)
    await walk(page, 'member-home')

    // store directory: by floor, then by category
    await page.click('.dir-chip:text-is("1F")')
    expect(await page.locator('.dir-store__name').allTextContents()).toEqual(['星巴克臻选', 'Apple 授权专营店'])
    await page.click('.dir-chip:text-is("全部") >> nth=0')
    await page.click('.dir-chip:text-is("餐饮")')
    expect(await page.locator('.dir-store__name').allTextContents()).toEqual(['星巴克臻选', '海底捞火锅'])
    await screenshot(page, 'member-home-directory-filtered')

    // the member strip opens the code tab
    await page.click('.home-member__code')
    await page.waitForSelector('.member-code-digits')

    await tab(page, '积分商城')
    await page.waitForSelector('text=积分商城')
    await tab(page, '我的')
    await page.waitForSelector('.me-points')
    expect(await page.textContent('.phone-card')).toContain('在微信中打开')
    for (const hook of ['me-to-redemptions', 'me-to-lottery', 'me-to-receipts', 'me-to-points-claim'])
      expect(await page.locator(`.${hook}`).count()).toBe(1)
    await noSidewaysOverflow(page)
    await walk(page, 'member-me')
    expect(errors).toEqual([])
  })

  it('every sub page has a back button on H5, and a sub page opened directly offers the way home', async () => {
    const [api, page] = [h5.api(), h5.page()]
    await tab(page, '首页')
    await page.click('.home-to-coupons')
    await page.waitForSelector('.taro-navigation-bar-back', { state: 'visible' })
    expect(await page.textContent('.taro-navigation-bar-title')).toBe('领券中心')
    await screenshot(page, 'member-subpage-back-375')
    await page.click('.taro-navigation-bar-back')
    await page.waitForSelector('.home-banner', { state: 'visible' })
    expect(await page.locator('.taro-navigation-bar-back').isVisible()).toBe(false)

    // opened from a link: no page to go back to, so the bar offers 首页
    await page.goto(`${api.url}/#/pages/wallet/index`)
    await page.waitForSelector('.taro-navigation-bar-home', { state: 'visible' })
    await page.click('.taro-navigation-bar-home')
    await page.waitForSelector('.home-banner', { state: 'visible' })
  })

  it('shows 页面不存在 with a way home for an unknown address, and has a favicon', async () => {
    const [api, page] = [h5.api(), h5.page()]
    await page.goto(`${api.url}/#/pages/no-such-page/index`)
    await page.waitForSelector('.not-found')
    expect(await page.textContent('.not-found')).toContain('页面不存在')
    await walk(page, 'member-not-found')
    await page.click('.not-found__home')
    await page.waitForSelector('.home-banner', { state: 'visible' })
    const icon = await page.getAttribute('link[rel=icon]', 'href')
    expect(icon).toMatch(/^data:image\/png;base64,/)
  })

  it('a code the till just used is replaced by the member’s refresh at once, and the new one scans', async () => {
    const [api, page] = [h5.api(), h5.page()]
    await tab(page, '会员码')
    const shown = async () => (await page.textContent('.member-code-digits'))!.replace(/\s/g, '')
    const first = await shown()
    await api.addStore('E9')
    const clerk = (await api.loginStaff('e2e-home-clerk', 'clerk', 'E9')).accessToken
    const scan = (code: string) => api.http.post('/api/staff/member-code/resolve').set(bearer(clerk)).send({ code })
    expect((await scan(first)).status).toBe(200)
    await page.click('.code-refresh')
    await page.waitForFunction(
      (old) => (document.querySelector('.member-code-digits')?.textContent ?? '').replace(/\s/g, '') !== old,
      first,
      { timeout: 5_000 },
    )
    const second = await shown()
    expect(second).not.toBe(first)
    expect((await scan(second)).status).toBe(200)
    await screenshot(page, 'member-code-after-scan-375')
  })

  it('logs out from 我的 after a confirmation, back to the login page', async () => {
    const page = h5.page()
    await tab(page, '我的')
    await page.click('.me-logout')
    await page.waitForSelector('.taro-modal__foot')
    await page.waitForTimeout(400) // the dialog's fade-in
    expect(await page.textContent('.taro-modal__content')).toContain('退出后需重新登录')
    await screenshot(page, 'member-logout-confirm-375')
    await page.click('.taro-modal__foot >> text=退出')
    await page.waitForSelector('.dev-user-input input', { timeout: 10_000 })
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => /token/i.test(k)))).toEqual([])
  })
})
