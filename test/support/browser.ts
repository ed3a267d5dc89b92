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
