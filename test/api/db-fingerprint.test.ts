import { connectDatabase } from '../../server/src/db/connect'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { startOtherInstance } from '../support/second-instance'

/**
 * The fuzz suites' "a refused request changed nothing" rests on dbFingerprint. On the harness's
 * connection it re-reads only the collections written since the last fingerprint: it must still
 * see every change, and agree with a whole read through a connection of its own.
 */
let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('FP')
})
afterAll(() => api.stop())

async function wholeRead(): Promise<string> {
  const other = await connectDatabase(api.config.db.uri!, api.conn.name)
  try {
    return await dbFingerprint(other)
  } finally {
    await other.close()
  }
}

async function writeThroughOtherInstance(): Promise<void> {
  const other = await startOtherInstance(api)
  try {
    expect((await other.http.post('/api/auth/dev-login').send({ devUser: 'fingerprint-b' })).status).toBe(200)
  } finally {
    await other.stop()
  }
}

it('sees every kind of write, through any watched connection, and agrees with a whole read', async () => {
  const stores = api.conn.db!.collection('stores')
  const member = await api.loginMember('fingerprint-reader')
  const steps: [string, () => Promise<unknown>][] = [
    ['a request that writes', () => api.loginMember('fingerprint-a')],
    ['an update that keeps the size', () => stores.updateOne({ _id: 'FP' as never }, { $set: { floor: 'L2' } })],
    ['a delete', () => stores.deleteOne({ _id: 'FP' as never })],
    ['a new collection', () => api.conn.db!.collection('fingerprint_new').insertOne({ n: 1 })],
    ['a write by another instance', () => writeThroughOtherInstance()],
    ['an aggregate into a collection', () => stores.aggregate([{ $match: {} }, { $out: 'fingerprint_out' }]).toArray()],
  ]
  let before = await dbFingerprint(api.conn)
  expect(before).toBe(await wholeRead())
  for (const [what, write] of steps) {
    const supported = await write().then(
      () => true,
      (err) => !/\$out|not implemented|NotImplemented/i.test(String(err)) && Promise.reject(err),
    )
    const after = await dbFingerprint(api.conn)
    if (supported) expect({ what, changed: after !== before }).toEqual({ what, changed: true })
    expect({ what, after }).toEqual({ what, after: await wholeRead() })
    before = after
  }
  // Reads change nothing, and the fingerprint's own reads do not count as changes.
  expect((await api.http.get('/api/me/card').set(bearer(member.accessToken))).status).toBe(200)
  expect(await dbFingerprint(api.conn)).toBe(before)
})
