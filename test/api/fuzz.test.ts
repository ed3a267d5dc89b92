import fc from 'fast-check'
import { startTestApi, type TestApi } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { buildWorld, type World } from '../support/fixtures'
import { ROUTES, caseName, type RouteCase } from '../support/route-table'

/**
 * Bad input for every write route: Mongo operators in any field, prototype keys, wrong types,
 * NaN/huge/negative/fractional numbers, odd unicode, over-long strings, oversized bodies and
 * privileged fields. No 5xx, and a refused request must leave the database exactly as it was.
 */
// The test command runs 20 cases per route (about 3 minutes alone on two cores); `npm run fuzz` runs 300.
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 20)
jest.setTimeout(600_000)

let api: TestApi
let world: World
beforeAll(async () => {
  api = await startTestApi()
  world = await buildWorld(api)
})
afterAll(() => api.stop())

const evilValue = fc.oneof(
  fc.constantFrom<unknown>(
    { $ne: null },
    { $gt: '' },
    { $where: 'sleep(1000)' },
    { $regex: '.*' },
    { $expr: { $eq: [1, 1] } },
    [{ $ne: 1 }],
    { $nor: [{ a: 1 }] },
  ),
  fc.constantFrom<unknown>(null, true, [], {}, '', -1, 0, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, '1e309'),
  fc.constantFrom<unknown>(
    'x'.repeat(5_000),
    '😀'.repeat(500),
    '\u0000nul',
    '<script>alert(1)</script>',
    "'; DROP TABLE x; --",
    '../../etc/passwd',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.object({ maxDepth: 2 }),
)
const privilegedField = fc.constantFrom(
  'points',
  'balance',
  'tier',
  'tierLevel',
  'role',
  'memberId',
  'staffId',
  'status',
  'state',
  '_id',
  'isAdmin',
)

/** A mutation of the route's valid body, as raw JSON text (so __proto__ and 1e309 survive). */
function badBodies(valid: Record<string, unknown>) {
  const keys = Object.keys(valid)
  const replaceField = fc
    .record({ key: keys.length ? fc.constantFrom(...keys) : fc.constant('x'), value: evilValue })
    .map(({ key, value }) => JSON.stringify({ ...valid, [key]: value }))
  const addPrivileged = fc
    .record({ key: privilegedField, value: evilValue })
    .map(({ key, value }) => JSON.stringify({ ...valid, [key]: value }))
  const protoKey = fc
    .constantFrom('__proto__', 'constructor', 'prototype')
    .map((k) => `{${JSON.stringify(k)}:{"isAdmin":true},${JSON.stringify(valid).slice(1)}`)
  const nested = evilValue.map((v) => JSON.stringify({ ...valid, nested: { deeper: { $where: v } } }))
  const notJson = fc.constantFrom('{', '[]', '"string"', '12', 'null', '{"a":NaN}', '{"a":Infinity}', '{"a":1,"a":2}')
  const huge = fc.constant(JSON.stringify({ ...valid, pad: 'x'.repeat(70_000) }))
  return fc.oneof(
    { weight: 4, arbitrary: replaceField },
    { weight: 2, arbitrary: addPrivileged },
    { weight: 1, arbitrary: protoKey },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: notJson },
    { weight: 1, arbitrary: huge },
  )
}

const writeRoutes = ROUTES.filter((r) => r.write && r.body)

describe('fuzzing every write route', () => {
  it.each(writeRoutes.map((r) => [caseName(r), r] as const))(
    '%s: no 5xx, refused requests change nothing',
    async (_name, route: RouteCase) => {
      const token = world.tokens[route.allow[0]!]!
      const valid = (await route.body!(world.fixtures)) as Record<string, unknown>
      const samples = fc.sample(badBodies(valid), { numRuns: CASES_PER_ROUTE, seed: 20261123 })
      let refused = 0
      let before = await dbFingerprint(api.conn)
      for (const raw of samples) {
        const req = (
          route.method === 'PUT' ? api.http.put(route.path(world.fixtures)) : api.http.post(route.path(world.fixtures))
        )
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'application/json')
        if (route.headers) req.set(route.headers())
        const res = await req.send(raw)
        expect({ status: res.status, body: raw.slice(0, 200) }).toEqual({
          status: expect.any(Number),
          body: raw.slice(0, 200),
        })
        expect(res.status).toBeLessThan(500)
        const after = await dbFingerprint(api.conn)
        if (res.status >= 400) {
          refused++
          expect(res.body?.error?.code).toEqual(expect.any(String))
          if (after !== before)
            throw new Error(`refused request changed the database: ${res.status} ${raw.slice(0, 300)}`)
        }
        before = after
      }
      expect(samples.length).toBe(CASES_PER_ROUTE)
      expect(refused).toBeGreaterThan(CASES_PER_ROUTE * 0.8)
    },
  )
})
