import { existsSync } from 'node:fs'
import path from 'node:path'
import { startTestApi, type TestApi } from '../support/api-harness'
import { launchBrowser, screenshot } from '../support/browser'
import { award, scan } from '../support/points-helpers'

jest.setTimeout(90_000)
const ADMIN_DIST = path.resolve(__dirname, '../../admin/dist')

let api: TestApi
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeAll(async () => {
  if (!existsSync(path.join(ADMIN_DIST, 'index.html'))) throw new Error('console build missing: the test command builds it (node admin/build.js)')
  api = await startTestApi({ ADMIN_DIST_DIR: ADMIN_DIST })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await api?.stop()
})

describe('operator console in Chromium', () => {
  it('logs in, renders the dashboard with charts, and edits a rule with history', async () => {
    await api.addStore('OC')
    await api.loginStaff('console-op', 'operator', null)
    const manager = (await api.loginStaff('console-mgr', 'manager', 'OC')).accessToken
    const m = await api.loginMember('console-member')
    await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: 'OC-1', amountFen: 88_00 })

    const { page } = browser
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(`${api.url}/admin`)
    await page.fill('[data-testid=login-username]', 'console-op')
    await page.fill('[data-testid=login-password]', 'correct horse battery')
    await page.click('[data-testid=login-submit]')

    await page.waitForSelector('[data-testid=kpi-metric]', { timeout: 20_000 })
    const members = await page.textContent('[data-testid=kpi-metric][data-key=members_total]')
    expect(members).toContain('会员总数')
    expect(await page.locator('[data-testid=kpi-chart]').count()).toBeGreaterThanOrEqual(3)
    await page.waitForSelector('[data-testid=kpi-chart] canvas, [data-testid=kpi-chart] svg')
    expect(await page.locator('[data-testid=kpi-table]').count()).toBeGreaterThanOrEqual(1)
    await screenshot(page, 'console-dashboard')

    await page.click('[data-testid=nav-rules]')
    await page.selectOption('[data-testid=rules-section-select]', 'referral')
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
})
