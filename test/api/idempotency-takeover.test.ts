import { createHash } from 'node:crypto'
import { startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { idempotencyModel } from '../../server/src/http/idempotency'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

/**
 * A request whose first attempt died mid-way (SIGKILL) leaves its Idempotency-Key record in flight;
 * retries take it over after a while. Twenty retries at once: one takes over, the others wait for it
 * and replay its answer; the claim is made once.
 */
let api: TestApi
let operator: string
beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('op-idem', 'operator', null)).accessToken
})
afterAll(() => api.stop())

it('lets one of 20 retries take over an abandoned request; all get its answer, and it runs once', async () => {
  const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 5 })
  const m = await api.loginMember('idem-takeover')
  const key = 'retry-after-crash-1'
  const id = `${m.member.memberId}|POST /api/coupons/${tid}/claim|${key}`
  const requestHash = createHash('sha256').update(JSON.stringify({})).digest('hex')
  await idempotencyModel(api.conn).create({
    _id: id,
    requestHash,
    state: 'in_flight',
    status: 0,
    body: null,
    createdAt: new Date(Date.now() - 60_000),
  })
  const results = await Promise.all(Array.from({ length: 20 }, () => claim(api, m.accessToken, tid, key)))
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
  expect(new Set(results.map((r) => r.body.couponId)).size).toBe(1)
  expect(results.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1)
  expect(await couponModels(api.conn).Coupon.countDocuments({ memberId: m.member.memberId })).toBe(1)
})

it('a retry finishes a request whose taker died between taking it over and clearing it (no endless loop)', async () => {
  const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 5 })
  const m = await api.loginMember('idem-taker-died')
  const key = 'taker-died-1'
  const id = `${m.member.memberId}|POST /api/coupons/${tid}/claim|${key}`
  const requestHash = createHash('sha256').update(JSON.stringify({})).digest('hex')
  const abandonedAt = new Date(Date.now() - 60_000)
  const Record = idempotencyModel(api.conn)
  await Record.create({ _id: id, requestHash, state: 'in_flight', status: 0, body: null, createdAt: abandonedAt })
  // The first retry took it over and died (or lost the database) before deleting the record.
  await Record.create({
    _id: `${id}|takeover|${abandonedAt.getTime()}`,
    requestHash: '',
    state: 'done',
    status: 0,
    body: null,
    createdAt: new Date(Date.now() - 30_000),
  })
  const started = Date.now()
  const results = await Promise.all(Array.from({ length: 20 }, () => claim(api, m.accessToken, tid, key)))
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
  expect(new Set(results.map((r) => r.body.couponId)).size).toBe(1)
  expect(await couponModels(api.conn).Coupon.countDocuments({ memberId: m.member.memberId })).toBe(1)
  expect(Date.now() - started).toBeLessThan(10_000)
})
