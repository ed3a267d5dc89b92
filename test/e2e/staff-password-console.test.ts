import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'

jest.setTimeout(120_000)
const ctx = consoleUnderTest()

/**
 * The console's 员工账号 form tells the operator why a password is refused, in the password policy's own words
 * (shared/src/rules/password-policy.ts), instead of one fixed hint; a passphrase saves and logs in.
 */
describe('operator console: the staff password policy (Chromium, 1280px)', () => {
  it('names the reason a password is refused, then saves a passphrase', async () => {
    const api = ctx.api()
    await api.addStore('PW1', '星巴克')
    await api.loginStaff('pw-e2e-op', 'operator', null)
    const { page } = ctx.browser()
    await page.setViewportSize({ width: 1280, height: 900 })
    const errors = await openConsoleAs(api, ctx.browser(), 'pw-e2e-op', '#/staff')
    await page.fill('[data-testid=staff-username]', 'pw-e2e-clerk')
    await page.fill('[data-testid=staff-displayName]', '李娜')
    await page.selectOption('[data-testid=staff-store]', 'PW1')

    for (const [password, reason] of [
      ['Password123', '密码：该密码过于常见，请换一个'],
      ['a1a1a1a1a1a1', '密码：密码不能由少数几个字符重复组成'],
      ['abcdefghijkl', '密码：密码需包含至少两类字符（字母、数字、空格或符号）'],
      ['short', '密码：密码至少 10 个字符'],
    ]) {
      await page.fill('[data-testid=staff-password]', password!)
      await page.click('[data-testid=staff-save]')
      await page.waitForSelector('[data-testid=staff-errors]')
      expect(await page.textContent('[data-testid=staff-errors]')).toBe(reason)
    }
    await screenshot(page, 'console-staff-password-refused')

    await page.fill('[data-testid=staff-password]', '商场 服务台 2026 春')
    await page.click('[data-testid=staff-save]')
    await page.waitForSelector('[data-testid=staff-message]')
    expect(await page.textContent('[data-testid=staff-message]')).toContain('已保存账号 pw-e2e-clerk')
    const login = await api.http
      .post('/api/staff/auth/login')
      .send({ username: 'pw-e2e-clerk', password: '商场 服务台 2026 春' })
    expect(login.status).toBe(200)
    expect(errors).toEqual([])
  })
})
