import { Schema, type Connection } from 'mongoose'
import { getModel, insertOnce, isDuplicateKey } from '../../server/src/db/connect'
import { incrementById, updateById } from '../../server/src/db/by-id'
import { insertRow } from '../../server/src/db/insert-batch'
import { databaseCalls } from '../support/database-calls'
import { ownDatabase } from '../support/own-database'

/**
 * The write helpers of the hot paths, against the embedded database: the group commit of inserts
 * (server/src/db/insert-batch.ts) — concurrent inserts share commands, yet each caller gets the
 * outcome of its own document — and upserts by `_id` (by-id.ts), which must survive racing themselves.
 */
let conn: Connection
const Row = () =>
  getModel(conn, 'BatchRow', new Schema({ _id: String, n: Number }, { versionKey: false, collection: 'batch_rows' }))
const commands: string[] = []

const database = ownDatabase()
beforeAll(() => {
  conn = database()
})

async function storedIds(model: ReturnType<typeof Row>, prefix: string): Promise<string[]> {
  return (await model.find({}, { _id: 1 }).lean())
    .map((r) => String(r._id))
    .filter((id) => id.startsWith(prefix))
    .sort()
}

async function counted<T>(work: () => Promise<T>): Promise<T> {
  const { result, calls } = await databaseCalls(work)
  commands.splice(
    0,
    commands.length,
    ...calls.filter((c) => c.startsWith('batch_rows.')).map((c) => c.slice('batch_rows.'.length)),
  )
  return result
}

it('concurrent inserts go in fewer commands, and only the duplicates among them are refused', async () => {
  const model = Row()
  await insertRow(model, { _id: 'taken-1', n: 0 })
  await insertRow(model, { _id: 'taken-2', n: 0 })
  const ids = Array.from({ length: 40 }, (_, i) => (i % 10 === 3 ? 'taken-1' : i % 10 === 7 ? 'taken-2' : `fresh-${i}`))
  const outcomes = await counted(() => Promise.allSettled(ids.map((id, n) => insertRow(model, { _id: id, n }))))

  expect(commands.length).toBeLessThan(ids.length / 4) // 40 inserts: the first alone, the rest together
  expect(commands).toContain('insertMany')
  outcomes.forEach((o, i) => {
    if (ids[i]!.startsWith('taken')) expect(o.status === 'rejected' && isDuplicateKey(o.reason)).toBe(true)
    else expect(o.status).toBe('fulfilled')
  })
  const stored = await model.find({}).lean()
  expect(stored).toHaveLength(2 + 32)
  expect(stored.find((r) => r._id === 'taken-1')!.n).toBe(0) // the first writer's row stays
  expect(stored.find((r) => r._id === 'fresh-5')!.n).toBe(5)
})

it('two callers inserting the same key in one batch: exactly one wins', async () => {
  const model = Row()
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, n) => insertOnce(model, { _id: `same-${n % 3}`, n })),
  )
  expect(results.filter(Boolean)).toHaveLength(3)
  expect(await storedIds(model, 'same-')).toEqual(['same-0', 'same-1', 'same-2'])
})

it('a document the database refuses fails alone; the others of its batch are stored', async () => {
  const model = Row()
  const docs = [{ _id: 'ok-1' }, { _id: 'ok-2' }, { _id: 'bad', 'a.$b': 1 }, { _id: 'ok-3' }, { _id: 'ok-4' }]
  const outcomes = await Promise.allSettled(docs.map((d) => insertRow(model, d)))
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
  expect(await storedIds(model, 'ok-')).toEqual(['ok-1', 'ok-2', 'ok-3', 'ok-4'])
  expect(await storedIds(model, 'bad')).toEqual([])
})

it('an idle server sends an insert at once, alone', async () => {
  const model = Row()
  await counted(() => insertRow(model, { _id: 'alone', n: 1 }))
  expect(commands).toEqual(['insertOne'])
})

describe('upserts by _id (by-id.ts)', () => {
  it('first upserts of one row racing each other all succeed, and every increment counts', async () => {
    const model = Row()
    for (let round = 0; round < 10; round++) {
      const id = `upsert-race-${round}`
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, n) => updateById(model, id, { $set: { n } }, { upsert: true })),
      )
      expect(results).toEqual(Array(8).fill(true))
      const counted = await Promise.all(
        Array.from({ length: 8 }, () => incrementById<{ n: number }>(model, `inc-race-${round}`, { n: 1 })),
      )
      expect(counted.every((row) => row !== null)).toBe(true)
    }
  })
})
