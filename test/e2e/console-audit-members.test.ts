import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, logOutOfConsole, openConsoleAs } from '../support/console-harness'

/**
 * The operator console in Chromium at 1280px, members and the audit log: audit rows in words with their particulars
 * folded, store pickers from the API, and a member's points adjusted (a large one approved by a second operator)
 * and the member frozen, each told in the audit log. The lists, rules, coupons and dashboard: console-ops.test.ts.
 */
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
        claimEnd: '2099-01-01T00:00:00.000Z',
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

  it('adjusts points (a second operator approves a large one) and freezes a member, with reasons', async () => {
    const api = ctx.api()
    await api.loginStaff('maker-e2e-op', 'operator', null)
    await api.loginStaff('checker-e2e-op', 'operator', null)
    const member = await api.loginMember('console-adjust')
    const memberId = member.member.memberId
    const { page } = ctx.browser()
    await logOutOfConsole(api, ctx.browser())
    const errors = await openConsoleAs(api, ctx.browser(), 'maker-e2e-op', `#/members/${memberId}`)
    await page.waitForSelector('[data-testid=member-frozen-state]')
    const before = Number((await page.textContent('[data-testid=member-balance]'))!.replace(/,/g, ''))

    await page.fill('[data-testid=member-adjust-points]', '200')
    await page.click('[data-testid=member-adjust-submit]')
    expect(await page.textContent('[data-testid=member-action-message]')).toBe('请检查：原因')
    await page.fill('[data-testid=member-adjust-reason]', '活动补发')
    await page.click('[data-testid=member-adjust-submit]')
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=member-balance]')?.textContent === (n + 200).toLocaleString('zh-CN'),
      before,
    )
    await page.fill('[data-testid=member-adjust-points]', '6000')
    await page.fill('[data-testid=member-adjust-reason]', '大额补偿')
    await page.click('[data-testid=member-adjust-submit]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=member-action-message]')?.textContent?.includes('需另一位运营批准'),
    )
    // (the test clock stands still: both requests have the same time, so find the row by its amount)
    const pending = page.locator('[data-testid=member-requests] [data-testid=member-request-row]', {
      hasText: '+6,000',
    })
    await pending.waitFor()
    expect(await pending.textContent()).toContain('待其他运营审批')

    await page.fill('[data-testid=member-freeze-reason]', '疑似盗号')
    await page.click('[data-testid=member-freeze-toggle]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=member-frozen-state]')?.textContent?.includes('已冻结'),
    )
    expect(await page.textContent('[data-testid=member-frozen-state]')).toContain('原因：疑似盗号')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'console-member-actions')

    // the second operator approves from the queue on the members page
    await page.click('[data-testid=nav-logout]')
    await openConsoleAs(api, ctx.browser(), 'checker-e2e-op', '#/members')
    const queued = page.locator(`[data-testid=pending-requests] [data-testid=member-request-row]`, {
      hasText: memberId,
    })
    await queued.waitFor()
    expect(await queued.textContent()).toContain('+6,000')
    await screenshot(page, 'console-pending-approvals')
    await queued.locator('[data-testid=member-request-approve]').click()
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=member-request-message]')?.textContent?.includes('已批准'),
    )
    const wallet = (await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body
    expect(wallet.balance).toBe(before + 6200)
    const claimed = await api.http.post('/api/me/checkin').set(bearer(member.accessToken)).send({})
    expect(claimed.body.error.code).toBe('MEMBER.FROZEN')
    // the audit log tells it in words: who, what, to whom, why
    await page.click('[data-testid=nav-audit]')
    const adjusted = page.locator('[data-testid=audit-sentence]', { hasText: '的积分调整 +200' })
    await adjusted.first().waitFor()
    expect(await adjusted.first().textContent()).toBe(
      `运营 maker-e2e-op 将会员 ${memberId} 的积分调整 +200（原因：活动补发）`,
    )
    expect(await page.locator('[data-testid=audit-sentence]', { hasText: '冻结会员' }).first().textContent()).toBe(
      `运营 maker-e2e-op 冻结会员 ${memberId}（原因：疑似盗号）`,
    )
    await screenshot(page, 'console-audit-member-actions')
    expect(errors).toEqual([])
  })
})
