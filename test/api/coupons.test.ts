import { bearer, type TestApi } from '../support/api-harness'
import { claim, createTemplate, myCoupons, startCouponMall, templateInput } from '../support/coupon-helpers'
import { award, balanceOf, scan } from '../support/points-helpers'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

let api: TestApi
let operator: string
let clerkS1: string

beforeAll(async () => {
  ;({ api, operator, clerkS1 } = await startCouponMall())
})
afterAll(() => api.stop())

const couponsOf = (memberId: string) => couponModels(api.conn).Coupon.find({ memberId }).lean().exec()

describe('coupon templates', () => {
  it('rejects configurations that cannot work', async () => {
    const bad = [
      templateInput({ valueFen: 300_00, thresholdFen: 200_00 }),
      templateInput({ type: 'percent_off', discountPermille: 1000 }),
      templateInput({ claimEnd: new Date(Date.now() - 2 * 86400_000).toISOString() }),
      { ...templateInput(), stock: -1 },
      { ...templateInput(), surprise: true },
    ]
    for (const body of bad) {
      const res = await api.http.post('/api/ops/coupon-templates').set(bearer(operator)).send(body)
      expect(res.status).toBe(400)
    }
    const byClerk = await api.http.post('/api/ops/coupon-templates').set(bearer(clerkS1)).send(templateInput())
    expect(byClerk.status).toBe(403)
  })
})

describe('claiming', () => {
  it('claims, shows it in the centre and in my coupons, and enforces the per-member limit', async () => {
    const tid = await createTemplate(api, operator, { stock: 5 })
    const m = await api.loginMember('claimer')
    const res = await claim(api, m.accessToken, tid)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ templateId: tid, headline: '满200减30', status: 'unused' })
    const again = await claim(api, m.accessToken, tid)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('COUPON.LIMIT_REACHED')
    const centre = await api.http.get('/api/coupons').set(bearer(m.accessToken))
    expect(centre.body.items.find((c: { templateId: string }) => c.templateId === tid)).toMatchObject({
      stockLeft: 4,
      claimedByMe: 1,
      blocker: 'LIMIT_REACHED',
    })
    const mine = await api.http.get('/api/me/coupons?status=unused').set(bearer(m.accessToken))
    expect(mine.body.items).toHaveLength(1)
  })

  it(
    'holds a member to the limit while reusing an ordinal given ' +
      "back, and a repeat claim does not walk the member's coupons",
    async () => {
      const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3 })
      const m = await api.loginMember('ordinals')
      for (let i = 0; i < 3; i++) expect((await claim(api, m.accessToken, tid)).status).toBe(200)
      expect((await couponsOf(m.member.memberId)).map((c) => c.ordinal).sort()).toEqual([1, 2, 3])
      expect((await claim(api, m.accessToken, tid)).body.error.code).toBe('COUPON.LIMIT_REACHED')
      // A paid claim whose payment failed gives its coupon back (paid-item.ts): ordinal 2 is free again.
      await couponModels(api.conn).Coupon.deleteOne({ templateId: tid, memberId: m.member.memberId, ordinal: 2 })
      expect((await claim(api, m.accessToken, tid)).status).toBe(200)
      expect((await couponsOf(m.member.memberId)).map((c) => c.ordinal).sort()).toEqual([1, 2, 3])
      expect((await claim(api, m.accessToken, tid)).body.error.code).toBe('COUPON.LIMIT_REACHED')
    },
  )

  it('never issues more than the stock: 20 members race for 1 coupon', async () => {
    const tid = await createTemplate(api, operator, { stock: 1 })
    const members = await Promise.all(Array.from({ length: 20 }, (_, i) => api.loginMember(`racer-${i}`)))
    const results = await Promise.all(members.map((m) => claim(api, m.accessToken, tid)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'COUPON.SOLD_OUT')).toBe(true)
    expect(await couponModels(api.conn).Coupon.countDocuments({ templateId: tid })).toBe(1)
  })

  it('gives one coupon to a member who sends 3 claims at once, and replays the same Idempotency-Key', async () => {
    const tid = await createTemplate(api, operator, { stock: 10 })
    const m = await api.loginMember('triple')
    const distinct = await Promise.all([1, 2, 3].map((i) => claim(api, m.accessToken, tid, `triple-key-000${i}`)))
    expect(distinct.map((r) => r.status).sort()).toEqual([200, 409, 409])
    const tid2 = await createTemplate(api, operator, { stock: 10 })
    const same = await Promise.all([1, 2, 3].map(() => claim(api, m.accessToken, tid2, 'same-key-0001')))
    expect(new Set(same.map((r) => JSON.stringify([r.status, r.body]))).size).toBe(1)
    expect(same[0]!.status).toBe(200)
    expect((await couponsOf(m.member.memberId)).filter((c) => c.templateId === tid2)).toHaveLength(1)
  })

  it('checks tier and claim window', async () => {
    const gold = await createTemplate(api, operator, { eligibleTiers: [3, 4] })
    const later = await createTemplate(api, operator, { claimStart: new Date(Date.now() + 86400_000).toISOString() })
    const m = await api.loginMember('low-tier')
    expect((await claim(api, m.accessToken, gold)).body.error.code).toBe('COUPON.TIER_TOO_LOW')
    expect((await claim(api, m.accessToken, later)).body.error.code).toBe('COUPON.NOT_STARTED')
    expect((await claim(api, m.accessToken, '999999')).status).toBe(404)
    expect((await claim(api, m.accessToken, 'abc')).status).toBe(400)
    expect(await couponsOf(m.member.memberId)).toHaveLength(0)
    // The coupon centre says why, and reads the tier again once it changes.
    const blockerOf = async (templateId: string) =>
      (await api.http.get('/api/coupons').set(bearer(m.accessToken))).body.items.find(
        (i: { templateId: string }) => i.templateId === templateId,
      )?.blocker
    expect([await blockerOf(gold), await blockerOf(later)]).toEqual(['TIER_TOO_LOW', 'NOT_STARTED'])
    await api.ctx.services.members.setTier(m.member.memberId, 3)
    expect(await blockerOf(gold)).toBeNull()
  })
})

describe('points-priced coupons (saga)', () => {
  it('debits the price once and activates the coupon', async () => {
    const tid = await createTemplate(api, operator, {
      pricePoints: 60,
      type: 'parking',
      parkingHours: 2,
      valueFen: 0,
      thresholdFen: 0,
    })
    const m = await api.loginMember('buyer')
    const res = await claim(api, m.accessToken, tid)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ headline: '停车2小时', status: 'unused' })
    expect(await balanceOf(api, m)).toBe(40)
    const entries = await api.http.get('/api/me/wallet/entries').set(bearer(m.accessToken))
    expect(entries.body.items[0]).toMatchObject({ type: 'coupon', delta: -60 })
  })

  it('refuses without enough points and frees the slot', async () => {
    const tid = await createTemplate(api, operator, { pricePoints: 150, stock: 1 })
    const poor = await api.loginMember('poor')
    const res = await claim(api, poor.accessToken, tid)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('POINTS.INSUFFICIENT')
    expect(await balanceOf(api, poor)).toBe(100)
    const rich = await api.loginMember('rich')
    await award(api, clerkS1, { scanToken: await scan(api, rich, clerkS1), receiptNo: 'COUPON-R1', amountFen: 100_00 })
    expect((await claim(api, rich.accessToken, tid)).status).toBe(200)
  })

  it('the sweeper finishes or compensates claims a crash left half done', async () => {
    const tid = await createTemplate(api, operator, { pricePoints: 30, stock: 2 })
    const m1 = await api.loginMember('crash-before-debit')
    const m2 = await api.loginMember('crash-after-debit')
    const { Coupon } = couponModels(api.conn)
    const t = api.clock.now()
    const half = (memberId: string, slot: number, claimId: string) => ({
      _id: `${tid}#${slot}`,
      templateId: tid,
      slot,
      memberId,
      ordinal: 1,
      claimId,
      state: 'pending_payment',
      validFrom: t.toISOString(),
      validTo: new Date(t.getTime() + 7 * 86400_000).toISOString(),
      claimedAt: t,
      redeemedAt: null,
      redeemedBy: null,
      redeemedStoreId: null,
    })
    // Crash 1: slot reserved, process died before the debit.
    await Coupon.collection.insertOne(half(m1.member.memberId, 1, 'claim-a') as never)
    // Crash 2: slot reserved and paid, process died before activation.
    await Coupon.collection.insertOne(half(m2.member.memberId, 2, 'claim-b') as never)
    await api.ctx.services.ledger.post({
      memberId: m2.member.memberId,
      eventKey: `coupon:${tid}#2:claim-b`,
      type: 'coupon',
      now: t,
      plan: () => ({ op: { kind: 'debit', points: 30 } }),
      fenceable: true, // as payForItem posts it
    })
    // too fresh
    expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ activated: 0, released: 0 })
    api.clock.advance(31_000)
    expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ activated: 1, released: 1 })
    expect(await Coupon.findById(`${tid}#1`).lean()).toBeNull()
    expect((await Coupon.findById(`${tid}#2`).lean())!.state).toBe('active')
    expect(await balanceOf(api, m1)).toBe(100) // never charged
    expect(await balanceOf(api, m2)).toBe(70) // charged once, has the coupon
    expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ activated: 0, released: 0 })
    // the activated coupon is in its owner's book although the crash came before any pointer
    expect((await myCoupons(api, m2.accessToken)).map((c) => c.couponId)).toEqual([`${tid}#2`])
    // the freed slot can be claimed again
    expect((await claim(api, m1.accessToken, tid)).status).toBe(200)
    expect(await balanceOf(api, m1)).toBe(70)
  })
})
