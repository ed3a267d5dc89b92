import { createHash } from 'node:crypto'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { balanceOf } from '../support/points-helpers'
import { idempotencyModel } from '../../server/src/http/idempotency'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

/**
 * Issue #22: a points-priced claim whose process (or database) died after the claim took effect but
 * before its Idempotency-Key record was marked done. A retry takes the abandoned record over and runs
 * the route again; it must answer the coupon of the run it replaces, not claim and charge a second one.
 */
jest.setTimeout(60_000)

let api: TestApi
let operator: string
beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('op-claim-takeover', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const PRICE = 30
const pricedTemplate = () => createTemplate(api, operator, { stock: null, perMemberLimit: 3, pricePoints: PRICE })

/** The first run died before marking its record done: the record is in flight and older than ABANDONED_MS. */
async function abandonRecord(memberId: string, templateId: string, key: string): Promise<void> {
  const id = `${memberId}|POST /api/coupons/${templateId}/claim|${key}`
  const res = await idempotencyModel(api.conn)
    .updateOne({ _id: id }, { $set: { state: 'in_flight', status: 0, body: null, createdAt: new Date(0) } })
    .exec()
  expect(res.matchedCount).toBe(1)
}

async function couponsOf(memberId: string) {
  return couponModels(api.conn).Coupon.find({ memberId }).lean().exec()
}

async function couponEntries(token: string) {
  const res = await api.http.get('/api/me/wallet/entries').set(bearer(token))
  return res.body.items.filter((e: { type: string }) => e.type === 'coupon')
}

it('a retry after the first run died with its claim paid answers that coupon and charges nothing more', async () => {
  const tid = await pricedTemplate()
  const m = await api.loginMember('claim-takeover-paid')
  const start = await balanceOf(api, m)
  const first = await claim(api, m.accessToken, tid, 'takeover-paid-1')
  expect(first.status).toBe(200)
  await abandonRecord(m.member.memberId, tid, 'takeover-paid-1')

  const retry = await claim(api, m.accessToken, tid, 'takeover-paid-1')
  expect(retry.status).toBe(200)
  expect(retry.body.couponId).toBe(first.body.couponId)
  expect(await couponsOf(m.member.memberId)).toHaveLength(1)
  expect(await balanceOf(api, m)).toBe(start - PRICE)
  expect(await couponEntries(m.accessToken)).toHaveLength(1)
})

it('a retry after the first run died between its debit and the activation finishes that coupon', async () => {
  const tid = await pricedTemplate()
  const m = await api.loginMember('claim-takeover-pending')
  const start = await balanceOf(api, m)
  const first = await claim(api, m.accessToken, tid, 'takeover-pending-1')
  expect(first.status).toBe(200)
  // The debit was posted; the coupon was never activated.
  await couponModels(api.conn)
    .Coupon.updateOne({ _id: first.body.couponId }, { $set: { state: 'pending_payment' } })
    .exec()
  await abandonRecord(m.member.memberId, tid, 'takeover-pending-1')

  const retry = await claim(api, m.accessToken, tid, 'takeover-pending-1')
  expect(retry.status).toBe(200)
  expect(retry.body.couponId).toBe(first.body.couponId)
  expect(retry.body.status).toBe('unused')
  const coupons = await couponsOf(m.member.memberId)
  expect(coupons.map((c) => c.state)).toEqual(['active'])
  expect(await balanceOf(api, m)).toBe(start - PRICE)
  expect(await couponEntries(m.accessToken)).toHaveLength(1)
})

it('20 concurrent retries after the takeover point: one coupon, charged once, all answer it', async () => {
  const tid = await pricedTemplate()
  const m = await api.loginMember('claim-takeover-race')
  const start = await balanceOf(api, m)
  const first = await claim(api, m.accessToken, tid, 'takeover-race-1')
  expect(first.status).toBe(200)
  await abandonRecord(m.member.memberId, tid, 'takeover-race-1')

  const retries = await Promise.all(Array.from({ length: 20 }, () => claim(api, m.accessToken, tid, 'takeover-race-1')))
  expect(retries.map((r) => r.status)).toEqual(Array(20).fill(200))
  expect(new Set(retries.map((r) => r.body.couponId))).toEqual(new Set([first.body.couponId]))
  expect(await couponsOf(m.member.memberId)).toHaveLength(1)
  expect(await balanceOf(api, m)).toBe(start - PRICE)
  expect(await couponEntries(m.accessToken)).toHaveLength(1)
})

it('a retry after the first run died before its slot insert claims once, under the next run', async () => {
  const tid = await pricedTemplate()
  const m = await api.loginMember('claim-takeover-no-slot')
  const start = await balanceOf(api, m)
  const key = 'takeover-no-slot-1'
  const operationKey = `${m.member.memberId}|POST /api/coupons/${tid}/claim|${key}`
  const operation = createHash('sha256').update(operationKey).digest('hex').slice(0, 32)
  // The first run recorded its claim request and died: no coupon, no debit.
  await idempotencyModel(api.conn).create({
    _id: operationKey,
    requestHash: createHash('sha256').update(JSON.stringify({})).digest('hex'),
    state: 'in_flight',
    status: 0,
    body: null,
    createdAt: new Date(0),
  })
  await couponModels(api.conn).ClaimRequest.create({
    _id: `claim:${operation}-1`,
    memberId: m.member.memberId,
    templateId: tid,
    at: new Date(0),
  })

  const retries = await Promise.all(Array.from({ length: 20 }, () => claim(api, m.accessToken, tid, key)))
  expect(retries.map((r) => r.status)).toEqual(Array(20).fill(200))
  const coupons = await couponsOf(m.member.memberId)
  expect(coupons.map((c) => [c.claimId, c.state])).toEqual([[`${operation}-2`, 'active']])
  expect(new Set(retries.map((r) => r.body.couponId))).toEqual(new Set([coupons[0]?._id]))
  expect(await balanceOf(api, m)).toBe(start - PRICE)
})

it('another Idempotency-Key is another claim (up to the per-member limit)', async () => {
  const tid = await pricedTemplate()
  const m = await api.loginMember('claim-takeover-keys')
  const start = await balanceOf(api, m)
  const a = await claim(api, m.accessToken, tid, 'takeover-keys-a')
  const b = await claim(api, m.accessToken, tid, 'takeover-keys-b')
  expect([a.status, b.status]).toEqual([200, 200])
  expect(a.body.couponId).not.toBe(b.body.couponId)
  expect(await balanceOf(api, m)).toBe(start - 2 * PRICE)
})

it('a claim refused for too few points under a key leaves no claim request behind', async () => {
  const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3, pricePoints: 100_000 })
  const m = await api.loginMember('claim-takeover-poor')
  const res = await claim(api, m.accessToken, tid, 'takeover-poor-1')
  expect(res.status).toBe(409)
  expect(res.body.error.code).toBe('POINTS.INSUFFICIENT')
  expect(await couponModels(api.conn).ClaimRequest.countDocuments({ memberId: m.member.memberId })).toBe(0)
})
