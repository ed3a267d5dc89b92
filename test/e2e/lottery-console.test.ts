import path from 'node:path'
import { bearer } from '../support/api-harness'
import { ARTIFACTS_DIR, screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { demoLottery, liveLottery, topUp } from '../support/lottery-helpers'

jest.setTimeout(120_000)

const { api, browser } = consoleUnderTest()

describe('console 积分抽奖', () => {
  it('shows observed against configured probabilities with the chi-square p-value, and the audit list', async () => {
    const operator = (await api().loginStaff('op-lottery-console', 'operator', null)).accessToken
    const lotteryId = await liveLottery(api(), operator, demoLottery())
    // 300 draws by six members over the API, so the report has something to test.
    for (let i = 0; i < 6; i++) {
      const m = await api().loginMember(`e2e-lottery-sim-${i}`)
      await topUp(api(), m, 1_000)
      for (let k = 0; k < 50; k++) {
        const res = await api().http.post(`/api/lotteries/${lotteryId}/draw`).set(bearer(m.accessToken)).send({})
        expect(res.status).toBe(200)
      }
    }
    const errors = await openConsoleAs(api(), browser(), 'op-lottery-console', '#/lottery')
    const { page } = browser()
    await page.waitForSelector('[data-testid=lottery-row]')
    await page.click('[data-testid=lottery-row] [data-testid=lottery-report]')
    await page.waitForSelector('[data-testid=lottery-chi-square]')
    const verdict = (await page.textContent('[data-testid=lottery-chi-square]')) ?? ''
    expect(verdict).toMatch(/χ² = [\d.]+，自由度 3，p = [\d.]+/)
    const report = (await api().http.get(`/api/ops/lotteries/${lotteryId}/report`).set(bearer(operator))).body
    expect(report.versions[0].draws).toBe(300)
    expect(verdict).toContain(`p = ${report.versions[0].test.pValue.toFixed(4)}`)
    expect(await page.locator('[data-testid=lottery-audit] tbody tr').count()).toBe(200)
    // The audit names the prizes (with their ids), as the report does: the newest draw first.
    const newest = (await api().http.get(`/api/ops/lotteries/${lotteryId}/draws`).set(bearer(operator))).body.items[0]
    const nameOf = (id: string) => demoLottery().prizes.find((p) => p.id === id)!.name
    const cells = await page.locator('[data-testid=lottery-audit] tbody tr').first().locator('td').allTextContents()
    expect(cells.slice(-2)).toEqual([
      `${nameOf(newest.pickedPrizeId)}（${newest.pickedPrizeId}）`,
      `${nameOf(newest.prizeId)}（${newest.prizeId}）`,
    ])
    await screenshot(page, 'console-lottery-report')
    // The report itself and the setup form, without the long audit list.
    await page.locator('[data-testid=lottery-fairness]').screenshot({
      path: path.join(ARTIFACTS_DIR, 'console-lottery-fairness.png'),
    })
    await page.locator('[data-testid=lottery-form-panel]').screenshot({
      path: path.join(ARTIFACTS_DIR, 'console-lottery-form.png'),
    })
    expect(errors).toEqual([])
  })
  it('creates a lottery from the form, starts it and stops it with the kill switch', async () => {
    const { page } = browser()
    page.on('dialog', (d) => void d.accept()) // the kill switch asks for confirmation
    const operator = (await api().loginStaff('op-lottery-form', 'operator', null)).accessToken
    const errors = await openConsoleAs(api(), browser(), 'op-lottery-form', '#/lottery')
    await page.waitForSelector('[data-testid=lottery-form-create]')
    // Probabilities must add up to 100 %: the total says so before anything is sent.
    await page.fill('[data-testid=lottery-name]', '控制台抽奖')
    const percent = page.locator('[data-testid=lottery-prize-row]').nth(0).locator('td.num input').nth(1)
    await percent.fill('40')
    expect(await page.textContent('[data-testid=lottery-total]')).toContain('110%')
    await page.click('[data-testid=lottery-submit-create]')
    await page.waitForSelector('[data-testid=lottery-message].form-error')
    expect(await page.textContent('[data-testid=lottery-message]')).toContain('概率合计须为 100%')
    await percent.fill('30')
    await page.click('[data-testid=lottery-submit-create]')
    await page.waitForSelector('[data-testid=lottery-message].success')
    const row = page.locator('[data-testid=lottery-row]', { hasText: '控制台抽奖' })
    await row.locator('[data-testid=lottery-activate]').click()
    await row.locator('.tag.active').waitFor()
    await row.locator('[data-testid=lottery-kill]').click()
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=lottery-row]')].some(
        (r) => r.textContent?.includes('控制台抽奖') && r.textContent.includes('已紧急停止'),
      ),
    )
    const made = (await api().http.get('/api/ops/lotteries').set(bearer(operator))).body.items.find(
      (l: { name: string }) => l.name === '控制台抽奖',
    )
    expect(made).toMatchObject({ status: 'killed', costPoints: 50, dailyLimit: 3 })
    expect(made.versions[0].prizes.map((p: { probabilityPpm: number }) => p.probabilityPpm)).toEqual([300_000, 700_000])
    expect(errors).toEqual([])
  })
})
