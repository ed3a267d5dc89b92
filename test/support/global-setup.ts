import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startDevDb, type DevDb } from '../../server/src/db/devdb'

declare global {
  var __DEVDB__: { db: DevDb; dir: string } | undefined
}

/**
 * One embedded database for the whole run (each test file uses its own database name in it).
 * MONGODB_URI set by the caller (CI against a real MongoDB) wins. Jest runs this once per project
 * that lists it, so a second call reuses the first database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return
  if (globalThis.__DEVDB__) return
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mall-devdb-'))
  const db = await startDevDb({ dataDir: dir, fastUnsafe: true, log: (m) => process.stderr.write(`${m}\n`) })
  globalThis.__DEVDB__ = { db, dir }
  // Workers are forked after global setup and inherit this; the config loader reads it.
  process.env.MONGODB_URI = db.uri
  process.env.DEVDB_PID = String(db.pid) // benchmarks read the database's CPU time
}
