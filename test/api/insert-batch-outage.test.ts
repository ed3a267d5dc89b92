import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Schema, type Connection } from 'mongoose'
import { connectDatabase, getModel, insertOnce } from '../../server/src/db/connect'
import { isDatabaseUnreachable } from '../../server/src/db/db-health'
import { startDevDb, type DevDb } from '../../server/src/db/devdb'
import { insertRow } from '../../server/src/db/insert-batch'

/**
 * The group commit of inserts (server/src/db/insert-batch.ts) when the database goes away: every
 * caller is told its insert failed, as the database-unreachable error the gate turns into a 503. The
 * driver reports a batch that got no answer as a bulk write error with no write errors; read as
 * per-document answers that said "all stored", and callers were acknowledged for rows never written.
 */
jest.setTimeout(60_000)
let db: DevDb
let dataDir: string
let conn: Connection
const Row = () =>
  getModel(conn, 'OutageRow', new Schema({ _id: String, n: Number }, { versionKey: false, collection: 'outage_rows' }))

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mall-batch-outage-'))
  db = await startDevDb({ dataDir, fastUnsafe: true })
  conn = await connectDatabase(db.uri, 'batch_outage')
})
afterAll(async () => {
  await conn?.close().catch(() => undefined)
  await db?.stop()
})

it('with the database gone, 24 concurrent inserts (one alone, the rest batched) all fail as unreachable', async () => {
  const model = Row()
  await insertRow(model, { _id: 'before', n: 0 })
  process.kill(db.pid, 'SIGKILL')
  await db.exited

  const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, n) => insertRow(model, { _id: `r${n}`, n })))
  const told = outcomes.map((o) => (o.status === 'fulfilled' ? 'stored' : isDatabaseUnreachable(o.reason)))
  expect(told).toEqual(Array(24).fill(true))

  // Back on its port: none of them was stored, and each caller's retry inserts its own row.
  db = await startDevDb({ dataDir, fastUnsafe: true, port: Number(new URL(db.uri).port) })
  let count: number | null = null
  for (let i = 0; count === null && i < 100; i++) {
    count = await model.countDocuments({}).catch(() => null) // the driver finds it again within seconds
    if (count === null) await new Promise((r) => setTimeout(r, 100))
  }
  expect(count).toBe(1)
  const retried = await Promise.all(Array.from({ length: 24 }, (_, n) => insertOnce(model, { _id: `r${n}`, n })))
  expect(retried).toEqual(Array(24).fill(true))
})
