import type { TestApi } from './api-harness'
import { appUnderTest, type World, type WorldOptions } from './app-under-test'
import { ADMIN_DIST, type Browser } from './browser'

export interface ConsoleUnderTest<W extends World> {
  world(): W
  api(): TestApi
  /** the Chromium opened before the tests (openConsoleAs widens it to 1280px) */
  browser(): Browser
}

/**
 * For an end-to-end file about the operator console: before its tests, the API serving the built
 * console (with `options.env`, or the world `options.start` makes, e.g. startPayWorld) and a Chromium;
 * after them, both closed. Call at the top level of the test file; a file's own beforeAll (its data)
 * runs after this one's.
 */
export function consoleUnderTest<W extends World = World>(options: WorldOptions<W> = {}): ConsoleUnderTest<W> {
  const app = appUnderTest({ ADMIN_DIST_DIR: ADMIN_DIST }, options)
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await app.newBrowser()
  })
  return { world: app.world, api: app.api, browser: () => browser! }
}

/**
 * Opens the console at `hash` (e.g. '#/stores') and logs in (unless still logged in) as an operator
 * made by api.loginStaff.
 * Returns the page errors seen from then on (a test ends expecting none).
 */
export async function openConsoleAs(api: TestApi, browser: Browser, username: string, hash: string): Promise<string[]> {
  const { page } = browser
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${api.url}/admin${hash}`)
  // A session kept from an earlier test in the same browser skips the login card.
  await page.waitForSelector('[data-testid=login-username], nav.sidebar')
  if (await page.locator('[data-testid=login-username]').count()) {
    await page.fill('[data-testid=login-username]', username)
    await page.fill('[data-testid=login-password]', 'correct horse battery')
    await page.click('[data-testid=login-submit]')
  }
  return errors
}

/**
 * Ends the console session an earlier test of the file left in the shared browser (if any), so that the next
 * openConsoleAs logs in as its own operator.
 */
export async function logOutOfConsole(api: TestApi, browser: Browser): Promise<void> {
  const { page } = browser
  await page.goto(`${api.url}/admin#/dashboard`)
  await page.waitForSelector('[data-testid=login-username], nav.sidebar')
  if (await page.locator('[data-testid=nav-logout]').count()) await page.click('[data-testid=nav-logout]')
}
