import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { startOtherInstance, type OtherInstance } from '../support/second-instance'
import { blockSize, RateLimitStore } from '../../server/src/http/rate-limit-store'

/**
 * Rate limits are counted in the database, so two server instances on one database share each
 * caller's budget (the per-process memory they replaced let a client behind a load balancer have
 * one budget per instance).
 */
// beforeAll may wait up to 15 s for a fresh rate-limit window
jest.setTimeout(60_000)
let a: TestApi
let b: OtherInstance
const WINDOW = 60_000
let memberToken: string
beforeAll(async () => {
  a = await startTestApi({ RATE_LOGIN_PER_MINUTE: '6', RATE_CLAIM_PER_MINUTE: '30' })
  b = await startOtherInstance(a)
  // One window for the whole file: the login below and the login burst must not straddle two.
  const msIntoWindow = Date.now() % WINDOW
  if (msIntoWindow > WINDOW - 15_000) await new Promise((r) => setTimeout(r, WINDOW - msIntoWindow + 50))
  memberToken = (await a.loginMember('limit-member')).accessToken
})
afterAll(async () => {
  await b?.stop()
  await a?.stop()
})

describe('rate limits shared across instances', () => {
  it('a login budget of 6 a minute holds across two instances, 20 concurrent attempts each', async () => {
    // (the member's login in beforeAll spent one of the six)
    const attempt = (http: TestApi['http']) =>
      http.post('/api/staff/auth/login').send({ username: 'nobody', password: 'wrong password' })
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(i % 2 ? a.http : b.http)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(35)
    for (const r of results.filter((r) => r.status === 429)) {
      expect(r.body.error.code).toBe('REQUEST.RATE_LIMITED')
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
    }
  })

  it('store: rounds of 20 concurrent hits on each of three stores never admit more than the budget', async () => {
    const stores = [0, 1, 2].map(() => new RateLimitStore(a.conn))
    const burst = (caller: string, max: number, now: number) =>
      Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]!.hit(caller, max, WINDOW, now)))
    for (const max of [1, 7, 30]) {
      const now = Date.now()
      const admitted = (await burst(`test:${max}:caller`, max, now)).filter((v) => v.allowed).length
      // A store left holding part of a block when its requests ran out admits those no more.
      expect(admitted).toBeLessThanOrEqual(max)
      expect(admitted).toBeGreaterThanOrEqual(max - 3 * (blockSize(max) - 1))
      // Spent in this window for everyone, a new store included.
      expect((await new RateLimitStore(a.conn).hit(`test:${max}:caller`, max, WINDOW, now)).allowed).toBe(false)
    }
    // Under the budget everyone is served.
    expect((await burst('test:95:caller', 95, Date.now())).every((v) => v.allowed)).toBe(true)
  })

  it('a member keeps one claim budget whichever instance serves the claims', async () => {
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a.http : b.http).post('/api/me/checkin').set(bearer(memberToken)).send({}),
      ),
    )
    // Budget 30 in blocks of 2: up to 1 fewer per instance when the other holds a block's rest.
    const admitted = claims.filter((r) => r.status !== 429).length
    expect(admitted).toBeLessThanOrEqual(30)
    expect(admitted).toBeGreaterThanOrEqual(30 - 2 * (blockSize(30) - 1))
  })

  it('a new window gives a new budget', async () => {
    const store = new RateLimitStore(a.conn)
    const t = Math.floor(Date.now() / WINDOW) * WINDOW + 5 * WINDOW
    expect((await store.hit('test:window', 1, WINDOW, t)).allowed).toBe(true)
    const refused = await store.hit('test:window', 1, WINDOW, t + 1_000)
    expect(refused).toEqual({ allowed: false, retryAfter: 59 })
    expect((await store.hit('test:window', 1, WINDOW, t + WINDOW)).allowed).toBe(true)
  })
})
