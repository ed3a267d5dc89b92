import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'

jest.setTimeout(90_000)
const ctx = consoleUnderTest()

describe('stores in the operator console (Chromium)', () => {
  it("edits a store's points multiplier and shows the change in its history", async () => {
    const api = ctx.api()
    await api.addStore('E1', '星巴克')
    const operator = (await api.loginStaff('cfg-e2e-op', 'operator', null)).accessToken
    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'cfg-e2e-op', '#/stores')
    const row = page.locator('[data-testid=store-row-E1]')
    await row.waitFor()
    expect(await row.locator('[data-testid=store-multiplier-cell]').textContent()).toBe('1 倍')

    await row.locator('[data-testid=store-edit]').click()
    await page.waitForSelector('text=暂无修改记录')
    // Refused in the browser by the shared contract, before any request.
    await page.fill('[data-testid=store-multiplier]', '两倍')
    await page.click('[data-testid=store-save]')
    expect(await page.textContent('[data-testid=store-errors]')).toContain('积分倍率')

    await page.fill('[data-testid=store-multiplier]', '2')
    await page.fill('[data-testid=store-note]', '周年庆双倍积分')
    await page.click('[data-testid=store-save]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=store-message]')?.textContent?.includes('第 1 版'),
    )
    const history = page.locator('[data-testid=config-history-row]')
    await history.first().waitFor()
    expect(await history.count()).toBe(1)
    expect(await history.first().locator('[data-testid=config-history-change]').textContent()).toBe(
      '积分倍率 1 倍 → 2 倍',
    )
    expect(await history.first().textContent()).toContain('cfg-e2e-op')
    expect(await history.first().textContent()).toContain('周年庆双倍积分')
    expect(await row.locator('[data-testid=store-multiplier-cell]').textContent()).toBe('2 倍')
    await history.first().locator('button').click()
    await page.waitForSelector('[data-testid=rules-diff]')
    await screenshot(page, 'console-store-history')

    const stored = (await api.http.get('/api/ops/stores').set(bearer(operator))).body.items.find(
      (s: { id: string }) => s.id === 'E1',
    )
    expect(stored).toMatchObject({ multiplierPermille: 2000, version: 1 })
    expect(errors).toEqual([])
  })
})
