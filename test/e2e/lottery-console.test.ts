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
})
