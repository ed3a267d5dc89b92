import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { h5UnderTest } from '../support/h5-harness'

/**
 * Every page of the H5 app (each member page as a signed-in member, each staff page as a signed-in store manager)
 * and every page of the operator console runs under its Content-Security-Policy with zero violations in Chromium
 * (content-security.test.ts checks the headers and framing; this file walks the pages). The page lists are read
 * from the apps' own sources, so a new page is walked without editing this file.
 */
jest.setTimeout(240_000)

const ROOT = path.resolve(__dirname, '../..')

/** The H5 routes of miniapp/src/app.config.ts: the main package's pages, then the staff subpackage's. */
function h5Routes(): { member: string[]; staff: string[] } {
  const source = readFileSync(path.join(ROOT, 'miniapp/src/app.config.ts'), 'utf8')
  const [main, rest] = source.split('subPackages:')
  const subpackages = rest!.split('tabBar:')[0]!
  const pages = (text: string) => [...text.matchAll(/'(pages\/[\w-]+\/index)'/g)].map((m) => m[1]!)
  return { member: pages(main!).map((p) => `/${p}`), staff: pages(subpackages).map((p) => `/staff/${p}`) }
}

/** The console's pages: the `path` of each entry of admin/src/App.tsx's ROUTES. */
function consoleRoutes(): string[] {
  const source = readFileSync(path.join(ROOT, 'admin/src/App.tsx'), 'utf8')
  return [...source.matchAll(/\{ path: '([\w-]+)', label:/g)].map((m) => m[1]!)
}

const h5 = h5UnderTest({ withConsole: true })
let memberId: string

beforeAll(async () => {
  const api = h5.api()
  await api.addStore('S1', '星巴克')
  await api.loginStaff('walk-manager', 'manager', 'S1')
  await api.loginStaff('walk-operator', 'operator', null)
  await h5.browser().context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    )
  })
})

/** CSP reports of the page: the violation events of this document and Chromium's console messages about CSP. */
function watch(page: Page): () => Promise<string[]> {
  const messages: string[] = []
  page.on('console', (m) => {
    if (/Content.Security.Policy|Permissions.Policy/i.test(m.text())) messages.push(m.text())
  })
  page.on('pageerror', (e) => messages.push(String(e)))
  return async () => {
    const events = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations)
    return [...messages.splice(0), ...(events?.splice(0) ?? [])]
  }
}

/** Opens an H5 route and waits until its page is the one shown. */
async function openH5(page: Page, url: string, route: string): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(
    (r) => [...document.querySelectorAll('.taro_page')].some((el) => el.id.split('?')[0] === r),
    route,
    { timeout: 20_000 },
  )
  await page.waitForTimeout(600) // its requests answered and drawn
}

describe('zero CSP violations on every page', () => {
  it('reads the page lists from the apps', () => {
    const { member, staff } = h5Routes()
    expect(member).toEqual(expect.arrayContaining(['/pages/home/index', '/pages/my-data/index']))
    expect(member.length).toBeGreaterThan(20)
    expect(staff).toEqual(expect.arrayContaining(['/staff/pages/award/index', '/staff/pages/receipts/index']))
    expect(consoleRoutes()).toEqual(expect.arrayContaining(['dashboard', 'members', 'audit']))
  })

  it('every member page, signed in, at 375 px', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const problems = watch(page)
    await h5.loginMember(page, 'walk-alice')
    memberId = (await api.loginMember('walk-alice')).member.memberId
    const seen: Record<string, string[]> = {}
    for (const route of h5Routes().member) {
      // the login page of a signed-in member goes on to the card: it is walked signed out below
      if (route === '/pages/login/index') continue
      await openH5(page, `${api.url}/#${route}`, route)
      seen[route] = await problems()
    }
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((r) => [r, []])))
  })

  it('the member and staff login pages, signed out', async () => {
    const [api, { page }] = [h5.api(), await h5.newBrowser()]
    await page.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`))
    })
    const problems = watch(page)
    await openH5(page, `${api.url}/#/pages/login/index`, '/pages/login/index')
    expect(await problems()).toEqual([])
    await openH5(page, `${api.url}/staff/#/staff/pages/login/index`, '/staff/pages/login/index')
    expect(await problems()).toEqual([])
  })

  it('every staff page, as a store manager, in the staff document', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const problems = watch(page)
    await h5.loginStaff(page, 'walk-manager', '.tile-award')
    const seen: Record<string, string[]> = {}
    for (const route of h5Routes().staff) {
      if (route === '/staff/pages/login/index') continue // signed in, it goes on to the staff home
      await openH5(page, `${api.url}/staff/#${route}`, route)
      expect(new URL(page.url()).pathname).toBe('/staff/')
      seen[route] = await problems()
    }
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((r) => [r, []])))
  })

  it('every console page, and a member page, as an operator at 1280 px', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const problems = watch(page)
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(`${api.url}/admin/`)
    await page.fill('[data-testid=login-username]', 'walk-operator')
    await page.fill('[data-testid=login-password]', 'correct horse battery')
    await page.click('[data-testid=login-submit]')
    await page.waitForSelector('nav.sidebar', { timeout: 20_000 })
    const seen: Record<string, string[]> = {}
    for (const route of [...consoleRoutes(), `members/${memberId}`]) {
      await page.goto(`${api.url}/admin/#/${route}`)
      await page.waitForSelector('nav.sidebar a[aria-current=page]', { timeout: 20_000 })
      await page.waitForTimeout(1_000) // its requests answered, charts drawn
      seen[route] = await problems()
    }
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((r) => [r, []])))
  })
})
