import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-results/e2e')

/** A phone's screen: the size every H5 page is first drawn at (console tests widen it to 1280). */
export const PHONE_VIEWPORT = { width: 375, height: 740 }

/** One headless Chromium profile (its own localStorage) and its first page. */
export interface Browser {
  context: BrowserContext
  page: Page
  close: () => Promise<void>
}

export interface LaunchOptions {
  /** flags beyond the standard set, e.g. a fake camera */
  args?: string[]
  viewport?: { width: number; height: number }
}

/** Debian's chromium, headless, with the flags this offline machine needs (see toolchain probe). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
    viewport: options.viewport ?? PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    close: async () => {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const file = path.join(ARTIFACTS_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

// E2E_H5_DIST: a build of one's own (MINIAPP_OUTPUT_ROOT=dist/h5-mine npm run build:h5), for a work tree where
// others rebuild dist/h5 while one's tests run.
export const H5_DIST = path.resolve(process.env.E2E_H5_DIST ?? path.resolve(__dirname, '../../miniapp/dist/h5'))
export const ADMIN_DIST = path.resolve(__dirname, '../../admin/dist')

/** H5 dev login on whatever page `url` lands on (the card redirects to login), back on the card. */
export async function devLogin(page: Page, url: string, devUser: string): Promise<void> {
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
