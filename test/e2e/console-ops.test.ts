import type { Page } from 'playwright-core'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { claim, createTemplate } from '../support/coupon-helpers'
import { consoleUnderTest, logOutOfConsole, openConsoleAs } from '../support/console-harness'

/**
 * The operator console in Chromium at 1280px, what operators configure and read: coupon templates (counts, pause,
 * edit, history), the rules form, the dashboard's comparisons and store scope, and the stores and staff lists.
 * Members and the audit log: console-audit-members.test.ts.
 */
jest.setTimeout(120_000)
const ctx = consoleUnderTest()

/** True when nothing on the page is wider than the 1280px viewport (no sideways scrolling). */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

describe('operator console: audit log and stores from the API (Chromium, 1280px)', () => {
  it('lists every coupon template with claimed and redeemed counts; pauses, edits and shows the history', async () => {
    const api = ctx.api()
    await api.addStore('Z02', '测试服饰')
    const operator = (await api.loginStaff('coupon-e2e-op', 'operator', null)).accessToken
    const clerk = (await api.loginStaff('coupon-e2e-clerk', 'clerk', 'Z02')).accessToken
    const id = await createTemplate(api, operator, { name: '列表测试券', stock: 50 })
    for (const n of ['ce-a', 'ce-b']) {
      const m = await api.loginMember(n)
      const couponId = (await claim(api, m.accessToken, id)).body.couponId as string
      if (n === 'ce-a') {
        const code = (
          await api.http.get(`/api/me/coupons/${encodeURIComponent(couponId)}/code`).set(bearer(m.accessToken))
        ).body.code
        expect((await api.http.post('/api/staff/coupons/redeem').set(bearer(clerk)).send({ code })).status).toBe(200)
      }
    }

    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'coupon-e2e-op', '#/coupons')
    const row = page.locator(`[data-testid=coupon-template-row][data-template-id="${id}"]`)
    await row.waitFor()
    const cells = await row.locator('td').allTextContents()
    expect(cells.slice(2, 5)).toEqual(['50', '2', '1'])
    expect(await row.locator('[data-testid=coupon-template-status]').textContent()).toBe('发放中')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'console-coupon-templates')

    await row.locator('[data-testid=coupon-template-toggle]').click()
    await page.waitForFunction(
      (tid) =>
        document
          .querySelector(`[data-template-id="${tid}"] [data-testid=coupon-template-status]`)
          ?.textContent?.includes('已暂停'),
      id,
    )
    await row.locator('[data-testid=coupon-template-edit]').click()
    await page.fill('[data-testid=coupon-edit-stock]', '10')
    await page.click('[data-testid=coupon-edit-save]')
    expect(await page.textContent('[data-testid=coupon-edit-message]')).toContain('库存只能增加')
    await page.fill('[data-testid=coupon-edit-stock]', '80')
    await page.fill('[data-testid=coupon-edit-name]', '列表测试券（加量）')
    await page.fill('[data-testid=coupon-edit-note]', '周末加量')
    await page.click('[data-testid=coupon-edit-save]')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=coupon-list-message]')?.textContent?.includes('已保存模板'),
    )
    await page.waitForFunction(
      (tid) => document.querySelector(`[data-template-id="${tid}"] td:nth-child(3)`)?.textContent === '80',
      id,
    )
    await row.locator('[data-testid=coupon-template-history]').click()
    const history = page.locator('[data-testid=config-history-row]')
    await history.nth(2).waitFor()
    expect(await history.first().locator('[data-testid=config-history-change]').textContent()).toContain(
      '库存 50 张 → 80 张',
    )
    expect(await history.nth(1).locator('[data-testid=config-history-change]').textContent()).toBe(
      '状态 发放中 → 已暂停',
    )
    await screenshot(page, 'console-coupon-template-history')
    const stored = (await api.http.get('/api/ops/coupon-templates/overview').set(bearer(operator))).body.items
    expect(stored.find((t: { _id: string }) => t._id === id)).toMatchObject({ status: 'paused', stock: 80, version: 3 })
    expect(errors).toEqual([])
  })

  it(
    'edits rules as a form in 元 and 倍 with Chinese messages ' + 'per field; the JSON stays as the advanced tab',
    async () => {
      const api = ctx.api()
      await api.loginStaff('rules-e2e-op', 'operator', null)
      const { page } = ctx.browser()
      await logOutOfConsole(api, ctx.browser())
      const errors = await openConsoleAs(api, ctx.browser(), 'rules-e2e-op', '#/rules')
      await page.waitForSelector('[data-testid=rules-form]')
      const before = (await api.ctx.services.rules.current()).earning
      expect(await page.inputValue('[data-testid="rule-maxReceiptFen"]')).toBe(String(before.maxReceiptFen / 100))

      await page.fill('[data-testid="rule-pointsPerYuan"]', '-1')
      expect(await page.textContent('[data-testid="rule-pointsPerYuan-error"]')).toBe('不能小于 0 积分')
      expect(await page.textContent('[data-testid=rules-json-error]')).toContain(
        '积分获取 · 每消费 1 元得：不能小于 0 积分',
      )
      expect(await page.isDisabled('[data-testid=rules-save]')).toBe(true)
      await page.fill('[data-testid="rule-pointsPerYuan"]', '2')
      await page.fill('[data-testid="rule-maxReceiptFen"]', '8888.5')
      await page.fill('[data-testid="rule-undoWindowMinutes"]', '两小时')
      expect(await page.textContent('[data-testid="rule-undoWindowMinutes-error"]')).toBe('请填写整数')
      await page.fill('[data-testid="rule-undoWindowMinutes"]', '45')
      await page.fill('[data-testid=rules-note]', '积分翻倍、小票上限调整')
      await screenshot(page, 'console-rules-form')
      await page.click('[data-testid=rules-save]')
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=rules-result]')?.textContent?.includes('已保存'),
      )
      const after = (await api.ctx.services.rules.current()).earning
      expect(after).toMatchObject({ pointsPerYuan: 2, maxReceiptFen: 888_850, undoWindowMinutes: 45 })

      // tiers: the multiplier in 倍, stored per mille
      await page.selectOption('[data-testid=rules-section-select]', 'tiers')
      await page.fill('[data-testid="rule-1.multiplierPermille"]', '1.25')
      await page.click('[data-testid=rules-save]')
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=rules-result]')?.textContent?.includes('会员等级'),
      )
      expect((await api.ctx.services.rules.current()).tiers[1]!.multiplierPermille).toBe(1250)
      await page.click('[data-testid=rules-tab-json]')
      expect(JSON.parse(await page.inputValue('[data-testid=rules-editor]'))[1].multiplierPermille).toBe(1250)
      expect(await fitsWidth(page)).toBe(true)
      expect(errors).toEqual([])
    },
  )

  it(
    'dashboard: change against the previous period, 暂无数据 ' + 'for an empty median, store scope, Chinese tables',
    async () => {
      const api = ctx.api()
      await api.addStore('Z03', '测试餐厅')
      await api.loginStaff('dash-e2e-op', 'operator', null)
      await api.loginMember('dash-e2e-a')
      const { page } = ctx.browser()
      await logOutOfConsole(api, ctx.browser())
      const errors = await openConsoleAs(api, ctx.browser(), 'dash-e2e-op', '#/dashboard')
      const card = (key: string) => page.locator(`[data-testid=kpi-metric][data-key=${key}]`)
      await card('members_new').waitFor()
      await page.waitForFunction(
        () => document.querySelector('[data-key=members_new] [data-testid=kpi-metric-change]')?.textContent,
      )
      expect(await card('members_new').locator('[data-testid=kpi-metric-change]').textContent()).toMatch(
        /较上期|上期为 0|与上期持平/,
      )
      expect(await card('feedback_first_response').locator('.metric-value').textContent()).toBe('暂无数据')
      // the points outstanding are today's whatever the range: no change against the previous period
      expect(await card('liability').locator('[data-testid=kpi-metric-change]').textContent()).toBe(
        '当前值，不随区间变化',
      )
      // charts of counts (people, check-ins) have whole-number axes, no "0.5 人"; amounts may have decimals
      await page.waitForSelector('canvas[data-y-ticks]')
      const axes = await page.$$eval('canvas[data-y-ticks]', (els) =>
        els.map((e) => ({ chart: e.getAttribute('aria-label')!, ticks: e.getAttribute('data-y-ticks')!.split(' ') })),
      )
      const counts = axes.filter((a) => /人数|会员|笔数/.test(a.chart) && !/金额|销售额/.test(a.chart))
      expect(counts.length).toBeGreaterThanOrEqual(2)
      for (const a of counts)
        expect({ ...a, ticks: a.ticks.filter((t) => !/^-?\d+$/.test(t)) }).toEqual({ ...a, ticks: [] })
      const funnel = page.locator('[data-testid=kpi-table]', { hasText: '已首购' })
      expect(await funnel.count()).toBe(1)
      expect(await page.locator('[data-testid=kpi-table]', { hasText: 'registered' }).count()).toBe(0)

      await page.selectOption('[data-testid=kpi-store]', 'Z03')
      await page.click('[data-testid=kpi-submit]')
      await page.waitForFunction(() => document.querySelector('.range-note')?.textContent?.includes('Z03 测试餐厅'))
      expect(await card('member_sales').locator('[data-testid=kpi-metric-scope]').textContent()).toBe('按门店')
      expect(await card('members_total').locator('[data-testid=kpi-metric-scope]').textContent()).toBe('全商场')
      expect(await page.textContent('[data-testid=kpi-store-note]')).toContain('只影响')
      expect(await fitsWidth(page)).toBe(true)
      await screenshot(page, 'console-dashboard-compare')
      expect(errors).toEqual([])
    },
  )

  it('stores and staff lists are on the DataTable and fit the screen', async () => {
    const api = ctx.api()
    await api.addStore('Z04', '测试书店')
    await api.loginStaff('lists-e2e-op', 'operator', null)
    await api.loginStaff('lists-e2e-clerk', 'clerk', 'Z04')
    const { page } = ctx.browser()
    await logOutOfConsole(api, ctx.browser())
    const errors = await openConsoleAs(api, ctx.browser(), 'lists-e2e-op', '#/staff')
    const clerkRow = page.locator('[data-testid=staff-row-lists-e2e-clerk]')
    await clerkRow.waitFor()
    expect(await clerkRow.textContent()).toContain('店员')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'console-staff-list')
    await page.click('[data-testid=nav-stores]')
    const storeRow = page.locator('[data-testid=store-row-Z04]')
    await storeRow.waitFor()
    await storeRow.locator('[data-testid=store-edit]').click()
    expect(await storeRow.getAttribute('class')).toContain('selected')
    expect(await fitsWidth(page)).toBe(true)
    expect(errors).toEqual([])
  })
})
