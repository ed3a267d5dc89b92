import { bearer } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { demoLottery, liveLottery, topUp } from '../support/lottery-helpers'

jest.setTimeout(120_000)
const h5 = h5UnderTest({ browsers: [] })

beforeAll(async () => {
  const operator = (await h5.api().loginStaff('op-lottery-e2e', 'operator', null)).accessToken
  await liveLottery(h5.api(), operator, demoLottery())
})
afterEach(() => {
  expect(h5.takePageErrors()).toEqual([])
})

describe('H5 points lottery in Chromium (375 px)', () => {
  it('plays the 九宫格: the light stops on the prize the server stored, the balance and my draws follow', async () => {
    const api = h5.api()
    const { page } = await h5.newBrowser()
    await h5.loginMember(page, 'e2e-lottery')
    const member = await api.loginMember('e2e-lottery')
    await topUp(api, member, 500)
    // From the wallet: 积分抽奖 ›
    await page.goto(`${api.url}/#/pages/wallet/index`)
    await page.click('.wallet-lottery-link')
    await page.waitForSelector('.lottery-go')
    expect(await page.locator('.lottery-cell').count()).toBe(8)
    expect(await page.textContent('.lottery-left')).toContain('50/50')
    expect(await page.textContent('.lottery-mine')).toContain('还没有抽过奖')
    await screenshot(page, 'lottery-h5-before')

    for (let round = 1; round <= 2; round++) {
      await page.click('.lottery-go')
      await page.waitForSelector('.lottery-result', { timeout: 20_000 })
      const stored = (await api.http.get('/api/me/lottery-draws').set(bearer(member.accessToken))).body.items
      expect(stored).toHaveLength(round)
      const outcome = stored[0].prize.id
      expect(await page.getAttribute('.lottery-result', 'data-prize')).toBe(outcome)
      // The lit cell is a cell of the stored prize.
      expect(await page.getAttribute('.lottery-cell[data-active=true]', 'data-prize')).toBe(outcome)
      await page.waitForFunction((n) => document.querySelectorAll('.lottery-draw-row').length === n, round)
    }
    expect(await page.textContent('.lottery-left')).toContain('48/50')
    const balance = (await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body.balance
    await page.waitForFunction(
      (b) => (document.querySelector('.lottery-balance')?.textContent ?? '').replace(/,/g, '').includes(String(b)),
      balance,
    )
    // The grid fits the narrow screen without sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'lottery-h5')
  })
})
