import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { replayDifferences } from '../support/chaos-world'
import { claim, createTemplate } from '../support/coupon-helpers'
import { balanceOf } from '../support/points-helpers'
import { idempotencyModel } from '../../server/src/http/idempotency'
import { claimHooks } from '../../server/src/modules/coupons/claim.service'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { DomainError } from '../../server/src/errors/domain-error'

/**
 * Issue #22, the slow run: a points-priced claim whose first run is alive but slow (a GC pause, a slow
 * database) for longer than the Idempotency-Key takeover window. A retry takes the request over and
 * claims; then the first run resumes. Of the two runs only one may take effect: one coupon, one payment,
 * and the first run either answers the same coupon or 409 IDEMPOTENCY.IN_FLIGHT having changed nothing.
 */
jest.setTimeout(120_000)

let api: TestApi
let operator: string
beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('op-claim-slow-run', 'operator', null)).accessToken
})
afterAll(() => api.stop())
afterEach(() => {
  delete claimHooks.beforeSlot
  delete claimHooks.afterSlot
})

// New members hold the welcome gift's 100 points: enough for the 5 rounds below.
const PRICE = 15
type Step = 'beforeSlot' | 'afterSlot'

/** Pauses the first claim that reaches `step` (run 1) until `resume` is called; later runs pass. */
function pauseFirst(step: Step) {
  let reached!: () => void
  let resume!: () => void
  const atPause = new Promise<void>((resolve) => (reached = resolve))
  const resumed = new Promise<void>((resolve) => (resume = resolve))
  let paused = false
  claimHooks[step] = async () => {
    if (paused) return
    paused = true
    reached()
    await resumed
  }
  return { atPause, resume }
}

/** Waits for run 1 to reach its pause; a run 1 that ended first fails the test instead of hanging it. */
async function reachedOrEnded(atPause: Promise<void>, run: Promise<unknown>): Promise<void> {
  const ended = run.then((outcome) => outcome ?? 'ended')
  const outcome = await Promise.race([atPause, ended])
  if (outcome !== undefined) throw new Error(`run 1 ended before its pause: ${JSON.stringify(outcome)}`)
}

/** Run 1 looks dead to the middleware: its in-flight record is older than the takeover window. */
async function ageRecord(memberId: string, templateId: string, key: string): Promise<void> {
  const id = `${memberId}|POST /api/coupons/${templateId}/claim|${key}`
  const res = await idempotencyModel(api.conn)
    .updateOne({ _id: id }, { $set: { createdAt: new Date(0) } })
    .exec()
  expect(res.matchedCount).toBe(1)
}

async function claimedCoupons(memberId: string) {
  return couponModels(api.conn).Coupon.find({ memberId }).lean().exec()
}

async function couponEntries(token: string) {
  const res = await api.http.get('/api/me/wallet/entries').set(bearer(token))
  return res.body.items.filter((e: { type: string }) => e.type === 'coupon')
}

/** The late answer of run 1: the coupon the retry answered, or a 409 that changed nothing. */
function expectSameCouponOrInFlight(late: { status: number; body: any }, couponId: string): void {
  if (late.status === 200) expect(late.body.couponId).toBe(couponId)
  else expect([late.status, late.body.error?.code]).toEqual([409, 'IDEMPOTENCY.IN_FLIGHT'])
}

/** Run 1 paused at `step`, taken over by `retries` concurrent retries, then resumed. */
async function slowRunTakenOver(step: Step, memberId: string, token: string, tid: string, key: string, retries = 1) {
  const gate = pauseFirst(step)
  const first = claim(api, token, tid, key).then((res) => res)
  await reachedOrEnded(gate.atPause, first)
  await ageRecord(memberId, tid, key)
  const answers = await Promise.all(Array.from({ length: retries }, () => claim(api, token, tid, key)))
  expect(answers.map((r) => r.status)).toEqual(Array(retries).fill(200))
  const couponId = answers[0]!.body.couponId as string
  expect(new Set(answers.map((r) => r.body.couponId))).toEqual(new Set([couponId]))
  gate.resume()
  expectSameCouponOrInFlight(await first, couponId)
  return couponId
}

async function expectClaimedOnce(m: MemberLoginResponse, start: number, couponIds: string[], price = PRICE) {
  const coupons = await claimedCoupons(m.member.memberId)
  expect(coupons.map((c) => [c._id, c.state]).sort()).toEqual(couponIds.map((id) => [id, 'active']).sort())
  expect(await balanceOf(api, m)).toBe(start - price * couponIds.length)
  expect(await couponEntries(m.accessToken)).toHaveLength(price > 0 ? couponIds.length : 0)
  expect(await replayDifferences(api.conn)).toEqual([])
}

describe.each<Step>(['beforeSlot', 'afterSlot'])('run 1 paused %s, taken over by a retry, then resumed', (step) => {
  it('claims and charges once; both answers name the same coupon, or run 1 answers 409', async () => {
    const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3, pricePoints: PRICE })
    const m = await api.loginMember(`claim-slow-${step.toLowerCase()}`)
    const start = await balanceOf(api, m)
    const key = `slow-run-${step}`
    const couponId = await slowRunTakenOver(step, m.member.memberId, m.accessToken, tid, key)
    await expectClaimedOnce(m, start, [couponId])
    // The key's stored answer is the retry's: a later retry replays it.
    const again = await claim(api, m.accessToken, tid, key)
    expect([again.status, again.body.couponId, again.headers['idempotent-replayed']]).toEqual([200, couponId, 'true'])
  })
})

it('5 rounds of 20 concurrent retries while run 1 is paused: one coupon and one payment per key', async () => {
  const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 10, pricePoints: PRICE })
  const m = await api.loginMember('claim-slow-rounds')
  const start = await balanceOf(api, m)
  const couponIds: string[] = []
  for (let round = 0; round < 5; round++) {
    const step: Step = round % 2 === 0 ? 'beforeSlot' : 'afterSlot'
    couponIds.push(await slowRunTakenOver(step, m.member.memberId, m.accessToken, tid, `slow-round-${round}`, 20))
    delete claimHooks[step]
  }
  await expectClaimedOnce(m, start, couponIds)
})

it('20 runs of one operation at once (no middleware in between) while run 1 is paused: one takes effect', async () => {
  const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 50, pricePoints: PRICE })
  const m = await api.loginMember('claim-slow-service')
  const start = await balanceOf(api, m)
  const memberId = m.member.memberId
  const operationKey = `${memberId}|POST /api/coupons/${tid}/claim|slow-service-1`
  const claims = api.ctx.services.couponClaims
  const steps: Step[] = ['beforeSlot', 'afterSlot']
  for (const [round, step] of steps.entries()) {
    const gate = pauseFirst(step)
    const first = claims.claim(memberId, tid, new Date(), `${operationKey}-${step}`).then(
      (c) => c._id,
      (err: unknown) => err,
    )
    await reachedOrEnded(gate.atPause, first)
    const runs = await Promise.allSettled(
      Array.from({ length: 20 }, () => claims.claim(memberId, tid, new Date(), `${operationKey}-${step}`)),
    )
    gate.resume()
    const late = await first
    const answered = runs.flatMap((r) => (r.status === 'fulfilled' ? [r.value._id] : []))
    for (const r of runs)
      if (r.status === 'rejected') expect((r.reason as DomainError).code).toBe('IDEMPOTENCY.IN_FLIGHT')
    expect(answered.length).toBeGreaterThan(0)
    expect(await claimedCoupons(memberId)).toHaveLength(round + 1)
    expect(new Set(answered).size).toBe(1)
    if (typeof late === 'string') expect(late).toBe(answered[0])
    else expect((late as DomainError).code).toBe('IDEMPOTENCY.IN_FLIGHT')
    delete claimHooks[step]
  }
  const coupons = await claimedCoupons(memberId)
  await expectClaimedOnce(
    m,
    start,
    coupons.map((c) => c._id),
  )
  expect(coupons).toHaveLength(2)
})

describe('a free claim under a key is held back until its run is decided', () => {
  it('run 1 paused before its slot, taken over by a retry: one coupon, and run 1 answers 409', async () => {
    const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3, pricePoints: 0 })
    const m = await api.loginMember('claim-slow-free')
    const start = await balanceOf(api, m)
    const couponId = await slowRunTakenOver('beforeSlot', m.member.memberId, m.accessToken, tid, 'slow-free-1')
    await expectClaimedOnce(m, start, [couponId], 0)
  })

  it('a run stalled before its decision: the sweeper gives it up, frees its coupon; a retry claims once', async () => {
    const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3, pricePoints: 0 })
    const m = await api.loginMember('claim-slow-free-swept')
    const start = await balanceOf(api, m)
    const gate = pauseFirst('afterSlot')
    const first = claim(api, m.accessToken, tid, 'slow-free-swept-1').then((res) => res)
    await reachedOrEnded(gate.atPause, first)
    const held = await claimedCoupons(m.member.memberId)
    expect(held.map((c) => c.state)).toEqual(['pending_payment'])
    const swept = await api.ctx.jobs.sweepCouponClaims(new Date(Date.now() + 60_000))
    expect([swept.activated, swept.released]).toEqual([0, 1])
    gate.resume()
    const late = await first
    expect([late.status, late.body.error?.code]).toEqual([409, 'IDEMPOTENCY.IN_FLIGHT'])
    const retry = await claim(api, m.accessToken, tid, 'slow-free-swept-1')
    expect(retry.status).toBe(200)
    await expectClaimedOnce(m, start, [retry.body.couponId], 0)
    // Under the next run (the freed slot may be the same one again).
    const [claimed] = await claimedCoupons(m.member.memberId)
    expect(claimed?.claimId).not.toBe(held[0]?.claimId)
  })
})
