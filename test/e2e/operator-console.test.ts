import path from 'node:path'
import { ARTIFACTS_DIR, screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { award, scan } from '../support/points-helpers'

jest.setTimeout(90_000)
const ctx = consoleUnderTest()

describe('operator console in Chromium', () => {
  it('logs in, renders the dashboard with charts, and edits a rule with history', async () => {
    const api = ctx.api()
    await api.addStore('OC')
    await api.loginStaff('console-op', 'operator', null)
    const manager = (await api.loginStaff('console-mgr', 'manager', 'OC')).accessToken
    const m = await api.loginMember('console-member')
    await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: 'OC-1', amountFen: 88_00 })

    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'console-op', '')

    await page.waitForSelector('[data-testid=kpi-metric]', { timeout: 20_000 })
    const members = await page.textContent('[data-testid=kpi-metric][data-key=members_total]')
    expect(members).toContain('会员总数')
    expect(await page.locator('[data-testid=kpi-chart]').count()).toBeGreaterThanOrEqual(3)
    await page.waitForSelector('[data-testid=kpi-chart] canvas, [data-testid=kpi-chart] svg')
    expect(await page.locator('[data-testid=kpi-table]').count()).toBeGreaterThanOrEqual(1)
    await screenshot(page, 'console-dashboard')

    await page.click('[data-testid=nav-rules]')
    await page.selectOption('[data-testid=rules-section-select]', 'referral')
    // the JSON is the advanced tab; the form is the default
    await page.click('[data-testid=rules-tab-json]')
    const editor = page.locator('[data-testid=rules-editor]')
    await editor.waitFor()
    const value = JSON.parse(await editor.inputValue())
    await editor.fill(JSON.stringify({ ...value, inviterPoints: 300 }, null, 2))
    await page.fill('[data-testid=rules-note]', '邀请奖励提高到300')
    await page.click('[data-testid=rules-save]')
    await page.waitForSelector('[data-testid=rules-history-row]')
    expect(await page.textContent('[data-testid=rules-history-row]')).toContain('console-op')
    await screenshot(page, 'console-rules')

    const rules = await api.ctx.services.rules.current()
    expect(rules.referral.inviterPoints).toBe(300)
    expect(errors).toEqual([])
  })

  it(
    'searches a member, opens the detail with the ledger ' + 'and tags, and saves a segment with its live count',
    async () => {
      const api = ctx.api()
      await api.addStore('OC')
      await api.loginStaff('console-op', 'operator', null)
      const manager = (await api.loginStaff('console-mgr', 'manager', 'OC')).accessToken
      const m = await api.loginMember('console-insight')
      await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: 'OC-INSIGHT', amountFen: 66_00 })
      const memberId = m.member.memberId
      const ticket = await api.http
        .post('/api/me/feedback')
        .set('Authorization', `Bearer ${m.accessToken}`)
        .set('Idempotency-Key', 'oc-feedback-1')
        .send({ category: 'parking', text: '停车场指示牌不清楚' })
      expect([ticket.status, ticket.body.error]).toEqual([201, undefined])

      const { page } = ctx.browser()
      const errors = await openConsoleAs(api, ctx.browser(), 'console-op', '#/members')
      await page.click('[data-testid=nav-members]')
      await page.fill('[data-testid=members-q]', memberId)
      await page.click('[data-testid=members-submit]')
      const row = page.locator(`[data-testid=member-row][data-member-id="${memberId}"]`)
      await row.waitFor({ timeout: 20_000 })
      // the unfiltered list stays on screen while the search loads: wait for the answer, not the first row
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid=member-row]').length === 1 &&
          !document.querySelector('.table-wrap.stale'),
      )
      expect(await page.locator('[data-testid=member-row]').count()).toBe(1)
      await row.click()

      await page.waitForSelector('[data-testid=member-detail] [data-testid=ledger-row]', { timeout: 20_000 })
      expect(await page.textContent('[data-testid=member-ledger]')).toContain('OC-INSIGHT')
      expect(await page.textContent('[data-testid=card-lifecycle]')).toContain('新客')
      expect(await page.textContent('[data-testid=card-rfm]')).toContain('R5')
      await page.fill('[data-testid=member-tag-input]', '控制台')
      await page.click('[data-testid=member-tag-add]')
      await page.waitForSelector('[data-testid=member-tag]:has-text("控制台")')
      await page.click('[data-testid=member-tab-coupons]')
      await page.waitForSelector('[data-testid=member-coupons]')
      await page.click('[data-testid=member-tab-feedback]')
      await page.waitForSelector('[data-testid=member-feedback-row]')
      expect(await page.textContent('[data-testid=member-feedback]')).toContain('停车场指示牌不清楚')
      await screenshot(page, 'console-member-detail')
      // On a short window, scrolled to the page's end, the sidebar is still whole: 退出 on screen, and its
      // links scroll inside it to the last one
      await page.setViewportSize({ width: 1280, height: 600 })
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      const logout = (await page.locator('[data-testid=nav-logout]').boundingBox())!
      expect(logout.y).toBeGreaterThanOrEqual(0)
      expect(logout.y + logout.height).toBeLessThanOrEqual(600)
      await page.locator('[data-testid=nav-audit]').scrollIntoViewIfNeeded()
      const lastLink = (await page.locator('[data-testid=nav-audit]').boundingBox())!
      expect(lastLink.y + lastLink.height).toBeLessThanOrEqual(logout.y)
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'console-sidebar-600.png') })
      await page.setViewportSize({ width: 1280, height: 900 })

      await page.click('[data-testid=nav-segments]')
      await page.fill('[data-testid=segment-name]', '控制台新客')
      await page.check('[data-testid=segment-lifecycle-new]')
      await page.fill('[data-testid=segment-tags]', '控制台')
      const expected = (
        await api.ctx.services.segments.preview({ lifecycles: ['new'], tagsAny: ['控制台'] }, api.clock.now())
      ).count
      expect(expected).toBe(1)
      await page.waitForSelector(`[data-testid=segment-preview-count]:has-text("${expected}")`, { timeout: 20_000 })
      expect(await page.textContent('[data-testid=segment-preview-sample]')).toContain(memberId)
      await page.click('[data-testid=segment-save]')
      await page.waitForSelector('[data-testid=segment-row]')
      expect(await page.textContent('[data-testid=segment-row]')).toContain('控制台新客')
      expect((await page.textContent('[data-testid=segment-count]'))?.trim()).toBe(String(expected))
      await page.waitForSelector('[data-testid=segment-history-row]')
      await screenshot(page, 'console-segments')

      const saved = (await api.ctx.services.segments.list(api.clock.now()))[0]!
      expect(await api.ctx.services.segments.membersOf(saved.id, api.clock.now())).toEqual([memberId])
      expect(errors).toEqual([])
    },
  )
})
