import { randomBytes } from 'node:crypto'
import { idempotent } from '../../server/src/http/idempotency'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'

/**
 * A request the database gate answers early (503: the database was seen going while it ran) goes on
 * unheard. When it still finishes (the database was back within its server selection), the answer it
 * gives is the one its Idempotency-Key record keeps, so the client's retry gets it. The database-kill
 * chaos test once retried a coupon claim 600 times and got the 503 replayed each time: the record kept
 * the gate's status with the route's body.
 */
jest.setTimeout(60_000)
let api: TestApi
const releases: Array<() => void> = []
const key = () => `early-${randomBytes(6).toString('hex')}`

beforeAll(async () => {
  api = await startTestApi({}, (app, ctx) => {
    // A write that waits for the test before answering: 201 set explicitly, or 200 by a body alone.
    const once = idempotent(ctx.conn, { required: true })
    app.use(async (c, next) => {
      if (c.method !== 'POST' || !c.path.startsWith('/api/test-early/')) return next()
      await once(c, async () => {
        await new Promise<void>((resolve) => releases.push(resolve))
        if (c.path.endsWith('/created')) c.status = 201
        c.body = { made: c.path, at: 'after the outage' }
      })
    })
  })
})
afterAll(() => api?.stop())

/** Marks the database down as the supervisor would, and waits for the probe to find it answering. */
async function outage(): Promise<void> {
  api.dbHealth.markDown('test: the database went away')
  while (!api.dbHealth.available) await new Promise((r) => setTimeout(r, 5))
}

async function waitForHeldRequests(n: number): Promise<void> {
  while (releases.length < n) await new Promise((r) => setTimeout(r, 5))
}

it.each([
  ['created', 201],
  ['body-only', 200],
])('a %s write answered 503 early replays its own %i to the retry', async (kind, status) => {
  const k = key()
  const first = api.http.post(`/api/test-early/${kind}`).set('Idempotency-Key', k).send({ n: 1 })
  const firstAnswer = first.then((r) => r)
  await waitForHeldRequests(1)
  await outage()
  const early = await firstAnswer
  expect(early.status).toBe(503)
  expect(early.body.error.code).toBe('SERVICE.UNAVAILABLE')
  expect(early.body.error.requestId).toBeTruthy()
  expect(Number(early.headers['retry-after'])).toBeGreaterThan(0)

  // The database is back; the request finishes with its own answer.
  releases.shift()!()
  let retry = await api.http.post(`/api/test-early/${kind}`).set('Idempotency-Key', k).send({ n: 1 })
  for (let i = 0; retry.status === 409 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20)) // still recording its answer
    retry = await api.http.post(`/api/test-early/${kind}`).set('Idempotency-Key', k).send({ n: 1 })
  }
  expect(retry.status).toBe(status)
  expect(retry.body).toEqual({ made: `/api/test-early/${kind}`, at: 'after the outage' })
  expect(retry.headers['idempotent-replayed']).toBe('true')
})

it('coupon claims cut off by an outage, in rounds of 24: every retry gets the claim it made', async () => {
  const operator = (await api.loginStaff('early-op', 'operator', null)).accessToken
  const template = await createTemplate(api, operator, { stock: 500, perMemberLimit: 20 })
  const members = await Promise.all(Array.from({ length: 8 }, (_, i) => api.loginMember(`early-m${i}`)))
  const answered = new Map<string, string>() // couponId -> member
  let early = 0
  for (const delayMs of [0, 10, 25, 50, 80]) {
    const calls = Array.from({ length: 24 }, (_, i) => ({ member: members[i % 8]!, key: key() }))
    const firsts = calls.map((c) => claim(api, c.member.accessToken, template, c.key).then((r) => r))
    await new Promise((r) => setTimeout(r, delayMs))
    await outage()
    const results = await Promise.all(firsts)
    early += results.filter((r) => r.status === 503).length
    for (const [i, c] of calls.entries()) {
      let res = results[i]!
      for (let n = 0; (res.status === 503 || res.status === 409) && n < 200; n++) {
        await new Promise((r) => setTimeout(r, 25))
        res = await claim(api, c.member.accessToken, template, c.key)
      }
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 200, code: undefined })
      answered.set(res.body.couponId, c.member.member.memberId)
      // Asked again, the same key gives the same coupon.
      const again = await claim(api, c.member.accessToken, template, c.key)
      expect(again.body.couponId).toBe(res.body.couponId)
    }
  }
  process.stdout.write(`early answers: ${early} of 120 claims answered 503 by the gate, all retried to their claim\n`)
  // One coupon per key: nothing claimed that no retry was told about.
  const { Coupon } = couponModels(api.conn)
  const coupons = await Coupon.find({ templateId: template }).lean()
  expect(coupons.length).toBe(answered.size)
  for (const c of coupons) expect(answered.get(c._id)).toBe(c.memberId)
})
