import { existsSync } from 'node:fs'
import path from 'node:path'
import { startTestApi, type TestApi } from './api-harness'
import { launchBrowser, type Browser, type LaunchOptions } from './browser'

/** What a file plays in: at least the API; a richer world (startPayWorld's) carries its stubs too. */
export interface World {
  api: TestApi
}

/** How an end-to-end file's world starts: the options h5UnderTest and consoleUnderTest share. */
export interface WorldOptions<W extends World> {
  /** server settings beyond the test defaults, e.g. { WELCOME_POINTS: '0' } */
  env?: Record<string, string>
  /** starts the world from the server settings; startTestApi by default (startPayWorld for WeChat Pay) */
  start?: (env: Record<string, string>) => Promise<W>
}

export interface AppUnderTest<W extends World> {
  world(): W
  api(): TestApi
  /** one more Chromium profile, closed after the file */
  newBrowser(options?: LaunchOptions): Promise<Browser>
  /** the uncaught page errors of every browser's first page since the last call (a test expects none) */
  takePageErrors(): string[]
}

/**
 * The lifecycle both end-to-end harnesses share: before the file's tests, the builds `dists` names checked
 * and the world started serving them (with `options.env`); after them, every browser opened through
 * newBrowser closed, then the world stopped. Called at the top level of a test file (by a harness), so a
 * beforeAll registered after it runs with the world up.
 */
export function appUnderTest<W extends World>(
  dists: Record<string, string>,
  options: WorldOptions<W>,
): AppUnderTest<W> {
  let world: W | undefined
  const browsers: Browser[] = []
  const pageErrors: string[] = []
  const start = options.start ?? (async (env) => ({ api: await startTestApi(env) }) as W)

  beforeAll(async () => {
    for (const dir of Object.values(dists))
      if (!existsSync(path.join(dir, 'index.html')))
        throw new Error(`build missing: ${dir} (the test command builds it: npm run build:h5 / build:admin)`)
    world = await start({ ...dists, ...options.env })
  })
  afterAll(async () => {
    for (const browser of browsers) await browser.close().catch(() => undefined)
    await world?.api.stop()
  })

  return {
    world: () => world!,
    api: () => world!.api,
    async newBrowser(launch) {
      const browser = await launchBrowser(launch)
      browsers.push(browser)
      browser.page.on('pageerror', (e) => pageErrors.push(String(e)))
      return browser
    },
    takePageErrors: () => pageErrors.splice(0),
  }
}
