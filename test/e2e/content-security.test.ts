import type { Page } from 'playwright-core'
import { agreeToPrivacyGuideIfAsked, h5UnderTest, screenshot } from '../support/h5-harness'

/**
 * The H5 app (member card, a staff page) and the operator console run under their Content-Security-Policy
 * with zero violations: Chromium reports every blocked script, style, image or connection both as a
 * `securitypolicyviolation` event and as a console error, and this file listens to both.
 */
jest.setTimeout(120_000)

const h5 = h5UnderTest({ withConsole: true })

beforeAll(async () => {
  const api = h5.api()
  await api.addStore('S1', '星巴克')
  await api.loginStaff('csp-clerk', 'clerk', 'S1')
  await api.loginStaff('csp-operator', 'operator', null)
  await h5.browser().context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    )
  })
})

/** Everything the page reported against the policy (or any other console error) from now on. */
function watch(page: Page): { problems: () => Promise<string[]> } {
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(String(e)))
  return {
    problems: async () => {
      const events = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations)
      return [...consoleErrors, ...(events ?? [])]
    },
  }
}

/** Whether the document's Permissions-Policy lets a script ask for the camera (Chromium's document.featurePolicy). */
const cameraAllowed = (page: Page): Promise<boolean> =>
  page.evaluate(() =>
    (document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }).featurePolicy.allowsFeature(
      'camera',
    ),
  )

describe('Content-Security-Policy in Chromium', () => {
  it('the H5 member card loads under the policy with no violation', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const seen = watch(page)
    const response = await page.goto(api.url)
    expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
    // The camera is for the staff pages' document only (/staff/): member pages cannot turn it on.
    expect(response!.headers()['permissions-policy']).toContain('camera=()')
    // Styles only from our files or with this response's nonce (server/src/http/h5-index.ts), nothing inline
    expect(response!.headers()['content-security-policy']).toMatch(/style-src 'self' 'nonce-[^']+';/)
    expect(response!.headers()['content-security-policy']).not.toContain('unsafe-inline')
    await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
    await page.fill('.dev-user-input input', 'csp-alice')
    await page.click('.dev-login-button')
    await agreeToPrivacyGuideIfAsked(page)
    await page.waitForSelector('.card-member-no', { timeout: 20_000 })
    await page.waitForFunction(() => {
      const img = document.querySelector('.member-qr img') as HTMLImageElement | null
      return !!img && img.complete && img.naturalWidth > 0
    })
    await screenshot(page, 'csp-member-card')
    expect(await seen.problems()).toEqual([])
    expect(await cameraAllowed(page)).toBe(false)
  })

  it('a staff page loads under the policy with no violation', async () => {
    const page = h5.page()
    const seen = watch(page)
    await h5.loginStaff(page, 'csp-clerk', '.tile-award')
    await page.click('.tile-award')
    await page.waitForSelector('.camera-scan-button', { timeout: 20_000 })
    await screenshot(page, 'csp-staff-award')
    expect(await seen.problems()).toEqual([])
    expect(new URL(page.url()).pathname).toBe('/staff/')
    expect(await cameraAllowed(page)).toBe(true)
  })

  it('a staff page opened at the member address moves to the staff document, and back to the member one', async () => {
    const [api, { page }] = [h5.api(), await h5.newBrowser()] // nobody logged in: both login pages stay
    await page.goto(`${api.url}/#/staff/pages/login/index`)
    await page.waitForURL(`${api.url}/staff/#/staff/pages/login/index`, { timeout: 20_000 })
    await page.waitForSelector('.staff-login-back', { timeout: 20_000 })
    expect(await cameraAllowed(page)).toBe(true)
    await page.click('.staff-login-back') // 返回会员登录
    await page.waitForURL(`${api.url}/#/pages/login/index`, { timeout: 20_000 })
    await page.waitForSelector('.to-staff-login', { timeout: 20_000 })
    expect(await cameraAllowed(page)).toBe(false)
    await page.click('.to-staff-login') // 员工登录
    await page.waitForURL(`${api.url}/staff/#/staff/pages/login/index`, { timeout: 20_000 })
  })

  it('the operator console loads under its policy with no violation', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const seen = watch(page)
    await page.setViewportSize({ width: 1280, height: 900 })
    const response = await page.goto(`${api.url}/admin/`)
    const csp = response!.headers()['content-security-policy']
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response!.headers()['x-frame-options']).toBe('DENY')
    await page.fill('[data-testid=login-username]', 'csp-operator')
    await page.fill('[data-testid=login-password]', 'correct horse battery')
    await page.click('[data-testid=login-submit]')
    await page.waitForSelector('nav.sidebar', { timeout: 20_000 })
    await page.waitForTimeout(1_000) // the dashboard's charts draw
    await screenshot(page, 'csp-console')
    expect(await seen.problems()).toEqual([])
  })

  it('the console and the H5 app cannot be framed', async () => {
    const [api, page] = [h5.api(), h5.page()]
    for (const [url, root] of [
      [`${api.url}/admin/`, '#root'],
      [`${api.url}/`, '#app'],
    ]) {
      await page.setContent(`<iframe src="${url}"></iframe>`)
      await page.waitForTimeout(1_000)
      const framed = page.frames().find((f) => f !== page.mainFrame())
      expect(await framed?.$(root!).catch(() => null)).toBeFalsy()
    }
  })
})
