import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'

jest.setTimeout(120_000)
const ctx = consoleUnderTest()
const DAY = 86_400_000

/**
 * The console's member page says 注销中 while a deletion waits out its cooling-off, and 已注销 once erased, when
 * it offers no action on the account any more; the member list marks the row the same way.
 */
describe('operator console: account deletion on the member page (Chromium, 1280px)', () => {
  it('shows 注销中 with the day of the erasure, then 已注销', async () => {
    const api = ctx.api()
    const member = await api.loginMember('e2e-console-delete')
    const memberId = member.member.memberId
    await api.http.post('/api/me/account-deletion').set(bearer(member.accessToken)).send({ confirm: true })
    await api.loginStaff('delete-e2e-op', 'operator', null)

    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'delete-e2e-op', `#/members/${memberId}`)
    const tag = page.locator('[data-testid=member-deletion]')
    await tag.waitFor()
    expect(await tag.textContent()).toMatch(/^注销中（将于 \d{4}-\d{2}-\d{2} 注销）$/)
    await screenshot(page, 'console-member-deletion-pending')
    // still an account during the cooling-off: its actions are offered
    await page.waitForSelector('[data-testid=member-freeze-toggle]')
    expect(await page.locator('[data-testid=reveal-nickname-open]').count()).toBe(1)

    api.clock.advance(7 * DAY + 60_000)
    expect(await api.ctx.jobs.eraseDeletedAccounts(api.clock.now())).toEqual({ erased: 1 })
    await api.loginStaff('delete-e2e-op', 'operator', null)
    await page.reload()
    await page.waitForSelector('[data-testid=login-username], [data-testid=member-deletion]')
    if (await page.locator('[data-testid=login-username]').count())
      await openConsoleAs(api, ctx.browser(), 'delete-e2e-op', `#/members/${memberId}`)
    await page.waitForSelector('[data-testid=member-deletion] >> text=已注销')
    // the pseudonym (masked like any name) and the balance after the forfeit
    await page.waitForSelector('[data-testid=member-balance] >> text=0')
    expect(await page.textContent('[data-testid=member-profile]')).toContain('已***员')
    // nothing left to act on: 已注销 as the account state, no freeze, no adjustment, no 查看 of a field
    expect(await page.textContent('[data-testid=member-frozen-state]')).toContain('已注销')
    const actions = '[data-testid=member-freeze-toggle], [data-testid=member-adjust-submit], [data-testid^=reveal-]'
    expect(await page.locator(actions).count()).toBe(0)
    expect(await page.locator('[data-testid=member-profile] button').count()).toBe(0)
    await screenshot(page, 'console-member-deletion-erased')
    await page.goto(page.url().replace(/#.*$/, `#/members?q=${memberId}`))
    await page.waitForSelector('[data-testid=member-row] [data-testid=member-row-deletion] >> text=已注销')
    expect(errors).toEqual([])
  })
})
