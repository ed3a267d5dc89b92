import { screenshot } from '../support/browser'
import { consoleUnderTest } from '../support/console-harness'
import { totpCodeAt } from '../../server/src/modules/auth/operator-totp'

/**
 * The console's login with the operators' second factor, in Chromium: the first login enrols (QR code, first
 * code, recovery codes shown once), a later login asks for the code, a wrong code is refused in zh-CN, a
 * recovery code works when the phone is away. No page errors.
 */
jest.setTimeout(120_000)

const ctx = consoleUnderTest({ env: { OPERATOR_TOTP: 'true' } })

beforeAll(async () => {
  await ctx.api().ctx.services.staff.create({
    username: 'e2e-op',
    password: 'correct horse battery',
    displayName: '运营 e2e',
    role: 'operator',
    storeId: null,
  })
})

async function passwordStep() {
  const { page } = ctx.browser()
  await page.goto(`${ctx.api().url}/admin/`)
  await page.fill('[data-testid=login-username]', 'e2e-op')
  await page.fill('[data-testid=login-password]', 'correct horse battery')
  await page.click('[data-testid=login-submit]')
}

async function logout() {
  const { page } = ctx.browser()
  await page.click('[data-testid=nav-logout]')
  await page.waitForSelector('[data-testid=login-username]')
}

describe('console login with a second factor', () => {
  it('enrols at the first login, then logs in with a code or a recovery code', async () => {
    const api = ctx.api()
    const { page } = ctx.browser()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.setViewportSize({ width: 1280, height: 900 })

    await passwordStep()
    await page.waitForSelector('[data-testid=totp-enrol] img.totp-qr')
    await page.waitForFunction(() => (document.querySelector('img.totp-qr') as HTMLImageElement).naturalWidth > 0)
    await screenshot(page, 'console-totp-enrol')
    const secret = (await page.textContent('[data-testid=totp-secret]'))!.trim()
    await page.fill('[data-testid=login-totp]', totpCodeAt('e2e-op', secret, api.clock.now()))
    await page.click('[data-testid=login-totp-submit]')
    await page.waitForSelector('[data-testid=totp-recovery-codes]')
    const recovery = await page.locator('[data-testid=totp-recovery-codes] code').allTextContents()
    expect(recovery).toHaveLength(10)
    await screenshot(page, 'console-totp-recovery-codes')
    await page.click('[data-testid=totp-recovery-done]')
    await page.waitForSelector('nav.sidebar', { timeout: 20_000 })

    // A later login: the code step; a wrong code is refused, the current one lets in.
    await logout()
    api.clock.advance(31_000)
    await passwordStep()
    await page.waitForSelector('[data-testid=login-totp]')
    const right = totpCodeAt('e2e-op', secret, api.clock.now())
    await page.fill('[data-testid=login-totp]', right === '000000' ? '111111' : '000000')
    await page.click('[data-testid=login-totp-submit]')
    await page.waitForSelector('[data-testid=login-error]')
    expect(await page.textContent('[data-testid=login-error]')).toContain('验证码不正确')
    await screenshot(page, 'console-totp-wrong-code')
    await page.fill('[data-testid=login-totp]', right)
    await page.click('[data-testid=login-totp-submit]')
    await page.waitForSelector('nav.sidebar', { timeout: 20_000 })

    // The phone is away: a recovery code.
    await logout()
    await passwordStep()
    await page.waitForSelector('[data-testid=login-totp]')
    await page.click('text=手机不在身边？使用恢复码')
    await page.fill('[data-testid=login-totp]', recovery[0]!)
    await page.click('[data-testid=login-totp-submit]')
    await page.waitForSelector('nav.sidebar', { timeout: 20_000 })
    expect(errors).toEqual([])
  })
})
