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
    expect(
      (
        await api.http
          .post('/api/me/birthday')
          .set(bearer(m.accessToken))
          .send({ birthday: `1988-${month}-02` })
      ).status,
    ).toBe(200)
    const before = await balanceOf(api, m)

    const { page } = ctx.browser()
    page.on('dialog', (d) => void d.accept()) // the kill switch asks for confirmation
    const errors = await openConsoleAs(api, ctx.browser(), 'camp-op', '#/campaigns')
    await page.waitForSelector('[data-testid=campaign-form-panel]')
    await page.waitForSelector('text=还没有发放类活动')

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
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=campaign-message]')?.textContent?.includes('本次发放 1 人'),
    )
    expect(await balanceOf(api, m)).toBe(before + 100)
    await screenshot(page, 'console-campaign-run')

    await row.locator('[data-testid=campaign-kill]').click()
    await page.waitForFunction(
      () => document.querySelector('[data-testid=campaign-status]')?.textContent === '已紧急停止',
    )
    expect(errors).toEqual([])
  })

  it(
    'lists the member day with its budget, stops and ' + 'resumes it, and simulates a draft double-points day',
    async () => {
      const api = ctx.api()
      await api.loginStaff('pts-op', 'operator', null)
      const { page } = ctx.browser()
      page.removeAllListeners('dialog')
      page.on('dialog', (d) => void d.accept('收银系统故障'))
      const errors = await openConsoleAs(api, ctx.browser(), 'pts-op', '#/campaigns')
      const row = page.locator('[data-testid=points-campaign-row-member-day]')
      await row.waitFor()
      expect(await row.textContent()).toContain('每月 18 日')
      expect(await row.locator('[data-testid=points-campaign-budget]').textContent()).toBe('不限')

      await row.locator('[data-testid=points-campaign-kill]').click()
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid=points-campaign-row-member-day] [data-testid=points-campaign-status]')
            ?.textContent === '已紧急停止',
      )
      expect(await row.textContent()).toContain('收银系统故障')
      expect(
        (
          await api.http
            .get('/api/ops/points-campaigns')
            .set(bearer((await api.loginStaff('pts-op', 'operator', null)).accessToken))
        ).body.items[0].status,
      ).toBe('killed')
      await screenshot(page, 'console-points-campaign-killed')
      await row.locator('[data-testid=points-campaign-resume]').click()
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid=points-campaign-row-member-day] [data-testid=points-campaign-status]')
            ?.textContent !== '已紧急停止',
      )

      // The draft is checked against the rules contract before any request.
      await page.fill('[data-testid=points-draft-multiplier]', 'abc')
      await page.click('[data-testid=points-draft-simulate]')
      expect(await page.textContent('[data-testid=points-campaign-message]')).toContain('倍率')
      await page.fill('[data-testid=points-draft-multiplier]', '3')
      await page.fill('[data-testid=points-draft-budget]', '5000')
      await page.click('[data-testid=points-draft-simulate]')
      await page.waitForSelector('[data-testid=points-simulation]')
      expect(await page.textContent('[data-testid=points-simulation]')).toContain('未来 30 天有 ')
      await screenshot(page, 'console-points-campaign-simulation')
      expect(errors).toEqual([])
    },
  )

  it('creates a double-points day from the form after confirming; it is listed and in the rules history', async () => {
    const api = ctx.api()
    const op = bearer((await api.loginStaff('pts-op2', 'operator', null)).accessToken)
    for (let i = 1; i <= 14; i++) await api.addStore(`PC${i}`, `测试门店${String(i).padStart(2, '0')}`)
    const { page } = ctx.browser()
    page.removeAllListeners('dialog')
    const asked: string[] = []
    page.on('dialog', (d) => {
      asked.push(d.message())
      void (asked.length === 1 ? d.dismiss() : d.accept())
    })
    const errors = await openConsoleAs(api, ctx.browser(), 'pts-op2', '#/campaigns')
    await page.waitForSelector('[data-testid=points-campaign-row-member-day]')
    // no raw rule keys (campaigns, budgetPoints…) in what the operator reads
    expect(await page.textContent('[data-testid=points-campaigns]')).not.toMatch(/campaigns|budget|total|month/)

    await page.click('[data-testid=points-draft-save]')
    expect(await page.textContent('[data-testid=points-campaign-message]')).toBe('请填写活动名称')
    await page.fill('[data-testid=points-draft-name]', '周三双倍积分日')
    await page.selectOption('[data-testid=points-draft-kind]', 'weekday')
    await page.fill('[data-testid=points-draft-value]', '3')
    await page.fill('[data-testid=points-draft-multiplier]', '2')
    await page.fill('[data-testid=points-draft-budget]', '20000')
    // the mall's stores: a search box over a scrolling list instead of a wall of checkboxes
    const stores = page.locator('.check-row--scroll')
    expect((await stores.boundingBox())!.height).toBeLessThanOrEqual(200)
    await page.fill('[data-testid=points-draft-store-search]', '门店07')
    expect(await stores.locator('.check').allTextContents()).toEqual(['PC7 测试门店07'])
    await page.check('[data-testid=points-draft-store-PC7]')
    await page.fill('[data-testid=points-draft-store-search]', '门店08')
    expect(await stores.locator('.check').allTextContents()).toEqual(['PC7 测试门店07', 'PC8 测试门店08'])
    await page.fill('[data-testid=points-draft-store-search]', '')
    await page.click('[data-testid=points-draft-save]') // 取消: nothing saved
    await page.waitForTimeout(300)
    expect(asked).toEqual(['确认上线积分活动「周三双倍积分日」？每周三，2 倍积分，1 家门店，保存后立即生效。'])
    const before = (await api.http.get('/api/ops/rules').set(op)).body
    expect(before.earning.campaigns.map((c: { name: string }) => c.name)).not.toContain('周三双倍积分日')

    await page.click('[data-testid=points-draft-save]')
    await page.waitForSelector('text=已上线积分活动「周三双倍积分日」')
    const row = page.locator('[data-testid^=points-campaign-row-pc-]')
    await row.waitFor()
    expect(await row.textContent()).toMatch(/周三双倍积分日.*每周三.*2 倍.*测试门店07/)
    const rules = (await api.http.get('/api/ops/rules').set(op)).body
    const saved = rules.earning.campaigns.find((c: { name: string }) => c.name === '周三双倍积分日')
    expect(saved).toMatchObject({
      multiplierPermille: 2000,
      when: { kind: 'weekday', value: 3 },
      budgetPoints: 20_000,
      budgetPeriod: 'month',
      storeIds: ['PC7'],
    })
    expect(rules.earning.campaigns.map((c: { id: string }) => c.id)).toContain('member-day') // kept
    const history = (await api.http.get('/api/ops/rules/history').set(op)).body.items
    expect(JSON.stringify(history[0])).toContain('新增积分活动「周三双倍积分日」')
    await screenshot(page, 'console-points-campaign-created')
    expect(errors).toEqual([])
  })
})
