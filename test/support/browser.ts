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

/** The flags this offline machine needs (see toolchain probe). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium'

/**
 * The e2e project's global setup (e2e-global-setup.ts) starts one Chromium for the run and names its
 * DevTools address here: a file then opens a profile of its own in it, a fresh context, instead of
 * starting and closing a Chromium of its own (2.0 s against 4.5 s a browser on the loaded shared box).
 * Connected over CDP, not Playwright's remote protocol, so a download's path() still works. Extra flags
 * (a fake camera) still need a Chromium of their own.
 */
const SHARED_CHROMIUM = process.env.E2E_CHROMIUM_CDP

/** Debian's chromium, headless: a fresh profile in the run's shared Chromium, or a Chromium of its own. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (SHARED_CHROMIUM && !options.args?.length) {
    const shared = await openInSharedChromium(SHARED_CHROMIUM, options).catch(() => null)
    if (shared) return shared
  }
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    ...contextOptions(options),
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

function contextOptions(options: LaunchOptions) {
  return {
    viewport: options.viewport ?? PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  }
}

async function openInSharedChromium(cdpUrl: string, options: LaunchOptions): Promise<Browser> {
  const connection = await chromium.connectOverCDP(cdpUrl, { timeout: 10_000 })
  try {
    const context = await connection.newContext(contextOptions(options))
    const page = await context.newPage()
    return {
      context,
      page,
      close: async () => {
        await context.close()
        await connection.close() // only this file's connection and contexts: the shared Chromium goes on
      },
    }
  } catch (err) {
    await connection.close().catch(() => undefined)
    throw err
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
