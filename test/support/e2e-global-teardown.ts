import globalTeardown from './global-teardown'

export default async function e2eGlobalTeardown(): Promise<void> {
  const browser = globalThis.__E2E_CHROMIUM__
  globalThis.__E2E_CHROMIUM__ = undefined
  delete process.env.E2E_CHROMIUM_CDP
  await browser?.close()
  await globalTeardown()
}
