import type { Page } from 'playwright-core'
import type { TestApi } from './api-harness'
import { appUnderTest, type World, type WorldOptions } from './app-under-test'
import { ADMIN_DIST, H5_DIST, type Browser, type LaunchOptions } from './browser'

export { ARTIFACTS_DIR, screenshot } from './browser'

export interface H5Options<W extends World, N extends string> extends WorldOptions<W> {
  /** also serves the built operator console at /admin, for a story that goes from a member to an operator */
  withConsole?: boolean
  /**
   * The phone-sized Chromium profiles opened before the tests, by name (default one, 'member'): each its own
   * localStorage, so a member's and a clerk's sessions never mix. [] where tests open their own (newBrowser).
   */
  browsers?: readonly N[]
}

export interface H5UnderTest<W extends World, N extends string> {
  world(): W
  api(): TestApi
  /** a browser opened before the tests: the named one, or the first */
  browser(name?: N): Browser
  page(name?: N): Page
  /** one more phone-sized profile, closed after the file (e.g. one per member) */
  newBrowser(options?: LaunchOptions): Promise<Browser>
  /** the uncaught page errors of every browser's first page since the last call (a test expects none) */
  takePageErrors(): string[]
  /** the dev login on the page `url` opens (the app itself by default), agreeing to the privacy guide */
  loginMember(page: Page, devUser: string, url?: string): Promise<void>
  /** the staff pages' login as an account made by api.loginStaff, until `readyTile` (e.g. '.tile-award') shows */
  loginStaff(page: Page, username: string, readyTile: string): Promise<void>
}

/**
 * For an end-to-end file about the H5 app: before its tests, the API serving the built H5 app (and the
 * console if asked) and the named phone-sized Chromiums; after them, all closed. Call at the top level of
 * the test file; a file's own beforeAll (its data) runs after this one's.
 */
export function h5UnderTest<W extends World = World, N extends string = 'member'>(
  options: H5Options<W, N> = {},
): H5UnderTest<W, N> {
  const app = appUnderTest(
    { H5_DIST_DIR: H5_DIST, ...(options.withConsole ? { ADMIN_DIST_DIR: ADMIN_DIST } : {}) },
    options,
  )
  const named = new Map<string, Browser>()
  beforeAll(async () => {
    for (const name of options.browsers ?? ['member']) named.set(name, await app.newBrowser())
  })

  const browser = (name?: N) => {
    const found = name === undefined ? [...named.values()][0] : named.get(name)
    if (!found) throw new Error(`no browser ${name ?? ''} opened before the tests (h5UnderTest's browsers)`)
    return found
  }
  return {
    ...app,
    browser,
    page: (name) => browser(name).page,
    loginMember: (page, devUser, url = app.api().url) => devLogin(page, url, devUser),
    async loginStaff(page, username, readyTile) {
      await page.goto(`${app.api().url}/staff/#/staff/pages/login/index`)
      await page.fill('.staff-username input', username)
      await page.fill('.staff-password input', 'correct horse battery')
      await page.click('.staff-login-button')
      await page.waitForSelector(readyTile, { timeout: 20_000 })
    },
  }
}

/** H5 dev login on whatever page `url` lands on (the card redirects to login), back on the card. */
async function devLogin(page: Page, url: string, devUser: string): Promise<void> {
  await page.goto(url)
  await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
  await page.fill('.dev-user-input input', devUser)
  await expectNoEnabledButtonMarkedDisabled(page)
  await page.click('.dev-login-button')
  await agreeToPrivacyGuideIfAsked(page)
  await page.waitForSelector('.card-member-no', { timeout: 20_000 })
}

/**
 * Taro H5 renders `disabled={false}` as `disabled="false"`, which [disabled] styles (ours and Taro's greyed
 * buttons) still match: an enabled button would look disabled. Pages pass `disabled={x || undefined}`.
 */
export async function expectNoEnabledButtonMarkedDisabled(page: Page): Promise<void> {
  const marked = await page.$$eval('[disabled="false"]', (els) => els.map((el) => el.className))
  if (marked.length > 0) throw new Error(`enabled elements marked disabled="false": ${marked.join(', ')}`)
}

/**
 * After a login: a member who has not agreed to the privacy guide's current version (every new member) is
 * shown the guide first; this agrees, and the app goes on to the card.
 */
export async function agreeToPrivacyGuideIfAsked(page: Page): Promise<void> {
  const next = await page.waitForSelector('.privacy-agree, .card-member-no, .member-code-digits', { timeout: 20_000 })
  if (!(await next.evaluate((el) => el.classList.contains('privacy-agree')))) return
  await expectNoEnabledButtonMarkedDisabled(page)
  await next.click()
}
