import net from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import globalSetup from './global-setup'
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './browser'

declare global {
  var __E2E_CHROMIUM__: Browser | undefined
}

/**
 * The shared global setup (the embedded database), plus one Chromium for the end-to-end files: each
 * file opens its own context in it (browser.ts launchBrowser) instead of starting a Chromium per file.
 * Without it (it failed to start) every file starts its own, as before.
 */
export default async function e2eGlobalSetup(): Promise<void> {
  await globalSetup()
  if (globalThis.__E2E_CHROMIUM__) return
  const port = await freePort()
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1'],
    })
    .catch((err) => {
      process.stderr.write(`shared Chromium did not start (each e2e file starts its own): ${String(err)}\n`)
      return undefined
    })
  if (!browser) return
  globalThis.__E2E_CHROMIUM__ = browser
  // Workers are forked after global setup and inherit this; launchBrowser reads it.
  process.env.E2E_CHROMIUM_CDP = `http://127.0.0.1:${port}`
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}
