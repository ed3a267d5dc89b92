import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { balanceOf } from '../support/points-helpers'

jest.setTimeout(90_000)
const ctx = consoleUnderTest()

describe('campaigns in the operator console (Chromium)', () => {
  it('simulates a birthday gift, saves, starts and runs it, then stops it with the kill switch', async () => {
    const api = ctx.api()
    await api.loginStaff('camp-op', 'operator', null)
    const m = await api.loginMember('camp-birthday')
    const month = new Date(api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(5, 7)
    expect((await api.http.post('/api/me/birthday').set(bearer(m.accessToken)).send({ birthday: `1988-${month}-02` })).status).toBe(200)
    const before = await balanceOf(api, m)

    const { page } = ctx.browser()
    page.on('dialog', (d) => void d.accept()) // the kill switch asks for confirmation
    const errors = await openConsoleAs(api, ctx.browser(), 'camp-op', '#/campaigns')
    await page.waitForSelector('[data-testid=campaign-form-panel]')
    await page.waitForSelector('text=还没有活动')

    // An empty name is refused in the browser, before any request.
    await page.click('[data-testid=campaign-save]')
    expect(await page.textContent('[data-testid=campaign-message]')).toContain('活动名称')

    await page.fill('[data-testid=campaign-name]', '十一月生日礼')
    await page.selectOption('[data-testid=campaign-kind]', 'birthday_gift')
    await page.fill('[data-testid=campaign-budget]', '50')
    await page.click('[data-testid=campaign-simulate]')
    await page.waitForSelector('[data-testid=campaign-simulation]')
    expect(await page.textContent('[data-testid=sim-would-grant]')).toBe('1')
    await screenshot(page, 'console-campaign-simulation')
    expect(await balanceOf(api, m)).toBe(before) // a simulation grants nothing

    await page.click('[data-testid=campaign-save]')
    const row = page.locator('[data-testid^=campaign-row-]').first()
    await row.waitFor()
    expect(await row.locator('[data-testid=campaign-status]').textContent()).toBe('草稿')
    await row.locator('[data-testid=campaign-activate]').click()
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '进行中')
    await row.locator('[data-testid=campaign-run]').click()
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-message]')?.textContent?.includes('本次发放 1 人'))
    expect(await balanceOf(api, m)).toBe(before + 100)
    await screenshot(page, 'console-campaign-run')

    await row.locator('[data-testid=campaign-kill]').click()
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '已紧急停止')
    expect(errors).toEqual([])
  })
})
