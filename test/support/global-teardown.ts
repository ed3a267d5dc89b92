import { rmSync } from 'node:fs'

export default async function globalTeardown(): Promise<void> {
  const devdb = globalThis.__DEVDB__
  if (!devdb) return
  globalThis.__DEVDB__ = undefined
  delete process.env.MONGODB_URI
  await devdb.db.stop()
  rmSync(devdb.dir, { recursive: true, force: true })
}
