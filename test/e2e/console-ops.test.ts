import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'

jest.setTimeout(120_000)
const ctx = consoleUnderTest()

/** True when nothing on the page is wider than the 1280px viewport (no sideways scrolling). */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

describe('operator console: audit log and stores from the API (Chromium, 1280px)', () => {
  it('shows audit rows in words with folded particulars, and store pickers list the stores the API has', async () => {
    const api = ctx.api()
    await api.addStore('Z01', '测试咖啡')
    const operator = (await api.loginStaff('audit-e2e-op', 'operator', null)).accessToken
    const created = await api.http
      .post('/api/ops/coupon-templates')
      .set(bearer(operator))
      .send({
        name: '满100减10',
        type: 'cash_off',
        thresholdFen: 10000,
        valueFen: 1000,
        stock: 10,
        perMemberLimit: 1,
        claimStart: '2026-01-01T00:00:00.000Z',
        claimEnd: '2027-01-01T00:00:00.000Z',
        validity: { kind: 'relative', days: 7 },
        eligibleTiers: [],
        storeIds: [],
        pricePoints: 0,
        fundedBy: 'mall',
      })
    expect(created.status).toBe(201)

    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'audit-e2e-op', '#/audit')
    const sentence = page.locator('[data-testid=audit-sentence]', { hasText: '新建优惠券模板' })
    await sentence.first().waitFor()
    expect(await sentence.first().textContent()).toBe('运营 audit-e2e-op 新建优惠券模板「满100减10」')
    const row = page.locator('[data-testid=audit-row]', { has: sentence.first() })
    expect(await row.textContent()).toContain('成功')
    // particulars fold out on demand
    expect(await row.locator('dl.kv').isVisible()).toBe(false)
    await row.locator('summary').click()
    expect(await row.locator('dl.kv').textContent()).toContain('POST /api/ops/coupon-templates')
    expect(await fitsWidth(page)).toBe(true)
    // the store filter is the API's list (a store only the test database has), not a built-in demo list
    await page.waitForSelector('[data-testid=audit-storeId] option[value=Z01]', { state: 'attached' })
    expect(await page.locator('[data-testid=audit-storeId] option[value=Z01]').textContent()).toBe('Z01 测试咖啡')
    await screenshot(page, 'console-audit-readable')

    await page.click('[data-testid=nav-dashboard]')
    await page.waitForSelector('[data-testid=kpi-store] option[value=Z01]', { state: 'attached' })
    expect(await page.locator('[data-testid=kpi-store] option[value=S001]').count()).toBe(0)
    expect(errors).toEqual([])
  })
})
