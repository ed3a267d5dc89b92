import { randomBytes } from 'node:crypto'
import mongoose, { type Connection } from 'mongoose'
import { connectDatabase } from '../../server/src/db/connect'

/**
 * A database of the test file's own on the run's embedded database, for tests of the data layer
 * without the API: connected before the file's tests and dropped after them. Returns its getter.
 */
export function ownDatabase(): () => Connection {
  let conn: Connection | undefined
  beforeAll(async () => {
    conn = await connectDatabase(process.env.MONGODB_URI!, `t_${randomBytes(6).toString('hex')}`)
  })
  afterAll(async () => {
    mongoose.set('debug', false) // a test that failed while counting calls leaves the hook set
    await conn?.dropDatabase()
    await conn?.close()
  })
  return () => conn!
}
