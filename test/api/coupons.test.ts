import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate, templateInput } from '../support/coupon-helpers'
import { award, balanceOf, scan } from '../support/points-helpers'
import { couponPointersBeforeTheCouponId } from '../../server/src/db/migrate-chain-rows'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

let api: TestApi
let operator: string
let clerkS1: string
let clerkS1b: string
let clerkS2: string

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
  await api.addStore('S2')
  operator = (await api.loginStaff('op-c', 'operator', null)).accessToken
  clerkS1 = (await api.loginStaff('clerk-c1', 'clerk', 'S1')).accessToken
  clerkS1b = (await api.loginStaff('clerk-c1b', 'clerk', 'S1')).accessToken
  clerkS2 = (await api.loginStaff('clerk-c2', 'clerk', 'S2')).accessToken
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
    expect((await myCoupons(m2.accessToken)).map((c) => c.couponId)).toEqual([`${tid}#2`])
    // the freed slot can be claimed again
    expect((await claim(api, m1.accessToken, tid)).status).toBe(200)
    expect(await balanceOf(api, m1)).toBe(70)
  })
})

const myCoupons = async (token: string, status = 'unused') =>
  (await api.http.get(`/api/me/coupons?status=${status}`).set(bearer(token))).body.items as {
    couponId: string
    templateId: string
  }[]

describe('my coupons and the coupon code', () => {
  it(
    "reads a member's coupons from their own book: a crash between pointer and " +
      'slot is repaired, a freed slot re-taken by another member is not shown',
    async () => {
      const tid = await createTemplate(api, operator, { stock: 3, perMemberLimit: 2 })
      const a = await api.loginMember('book-a')
      const b = await api.loginMember('book-b')
      const first = (await claim(api, a.accessToken, tid)).body.couponId as string
      // Pointers of the shape from before the coupon id was recorded up front (couponId null until settled),
      // the data migration 2026-12-06-05 fills: a crash after the slot insert, before the pointer was settled.
      const book = api.conn.collection('coupon_book')
      const t = api.clock.now()
      await book.insertOne({
        _id: `${a.member.memberId}:2`,
        memberId: a.member.memberId,
        templateId: tid,
        claimId: 'crashed-claim',
        couponId: null,
        failed: false,
        at: t,
      } as never)
      await couponModels(api.conn).Coupon.collection.insertOne({
        _id: `${tid}#3`,
        templateId: tid,
        slot: 3,
        memberId: a.member.memberId,
        ordinal: 2,
        claimId: 'crashed-claim',
        state: 'active',
        validFrom: t.toISOString(),
        validTo: new Date(t.getTime() + 7 * 86400_000).toISOString(),
        claimedAt: t,
        redeemedAt: null,
        redeemedBy: null,
        redeemedStoreId: null,
      } as never)
      // A pointer whose claim never got a slot (crash before the insert) reads as nothing.
      await book.insertOne({
        _id: `${a.member.memberId}:3`,
        memberId: a.member.memberId,
        templateId: tid,
        claimId: 'lost-claim',
        couponId: null,
        failed: false,
        at: t,
      } as never)
      // An old pointer to a slot that now holds member B's coupon (freed by compensation, re-taken).
      const second = (await claim(api, b.accessToken, tid)).body.couponId as string
      await book.insertOne({
        _id: `${a.member.memberId}:4`,
        memberId: a.member.memberId,
        templateId: tid,
        claimId: 'compensated',
        couponId: second,
        failed: false,
        at: t,
      } as never)
      // Today's pointers name the coupon before its insert: a crash before the insert reads as nothing.
      await book.insertOne({
        _id: `${a.member.memberId}:5`,
        memberId: a.member.memberId,
        templateId: tid,
        claimId: 'named-lost',
        couponId: `${tid}#2`,
        failed: false,
        at: t,
      } as never)
      // not yet migrated: read as nothing
      expect((await myCoupons(a.accessToken)).map((c) => c.couponId).sort()).toEqual([first])
      api.clock.advance(61_000)
      try {
        await couponPointersBeforeTheCouponId(api.conn)
        const again = await api.loginMember('book-a')
        expect((await myCoupons(again.accessToken)).map((c) => c.couponId).sort()).toEqual([first, `${tid}#3`].sort())
        expect(await book.findOne({ _id: `${a.member.memberId}:2` } as never)).toMatchObject({ couponId: `${tid}#3` })
        expect(await book.findOne({ _id: `${a.member.memberId}:3` } as never)).toMatchObject({ failed: true })
        const centre = (await api.http.get('/api/coupons').set(bearer(again.accessToken))).body.items.find(
          (c: { templateId: string }) => c.templateId === tid,
        )
        expect(centre).toMatchObject({ claimedByMe: 2, stockLeft: 0, blocker: 'SOLD_OUT' })
        expect((await myCoupons((await api.loginMember('book-b')).accessToken)).map((c) => c.couponId)).toEqual([
          second,
        ])
      } finally {
        api.clock.advance(-61_000)
      }
    },
  )

  it('moves expired coupons to the expired tab', async () => {
    const tid = await createTemplate(api, operator, { validity: { kind: 'relative', days: 1 } })
    const m = await api.loginMember('expirer')
    await claim(api, m.accessToken, tid)
    api.clock.advance(2 * 86400_000)
    try {
      const again = await api.loginMember('expirer')
      const expired = await api.http.get('/api/me/coupons?status=expired').set(bearer(again.accessToken))
      expect(expired.body.items.map((c: { templateId: string }) => c.templateId)).toContain(tid)
      const code = await api.http
        .get(`/api/me/coupons/${encodeURIComponent(expired.body.items[0].couponId)}/code`)
        .set(bearer(again.accessToken))
      expect(code.status).toBe(410)
    } finally {
      api.clock.advance(-2 * 86400_000)
    }
  })

  it("gives a code only for the caller's own coupon", async () => {
    const tid = await createTemplate(api, operator)
    const owner = await api.loginMember('code-owner')
    const other = await api.loginMember('code-thief')
    const coupon = (await claim(api, owner.accessToken, tid)).body
    const path = `/api/me/coupons/${encodeURIComponent(coupon.couponId)}/code`
    const mine = await api.http.get(path).set(bearer(owner.accessToken))
    expect(mine.status).toBe(200)
    expect(mine.body.code).toMatch(/^2\d{23}$/)
    expect((await api.http.get(path).set(bearer(other.accessToken))).status).toBe(404)
  })
})

describe('staff redemption (核销)', () => {
  async function claimedCode(name: string, over = {}) {
    const tid = await createTemplate(api, operator, over)
    const m = await api.loginMember(name)
    const coupon = (await claim(api, m.accessToken, tid)).body
    const code = (
      await api.http.get(`/api/me/coupons/${encodeURIComponent(coupon.couponId)}/code`).set(bearer(m.accessToken))
    ).body.code
    return { m, coupon, code: code as string }
  }
  const redeem = (token: string, code: string) =>
    api.http.post('/api/staff/coupons/redeem').set(bearer(token)).send({ code })

  it(
    'previews, redeems once, shows it as used; a repeat by ' + 'the same clerk is marked, another clerk is refused',
    async () => {
      const { m, coupon, code } = await claimedCode('redeemer')
      const preview = await api.http.post('/api/staff/coupons/preview').set(bearer(clerkS1)).send({ code })
      expect(preview.body).toMatchObject({ usable: true, reason: null, coupon: { couponId: coupon.couponId } })
      expect(preview.body.member.memberNo).toMatch(/^\*{4}\d{4}$/)
      const res = await redeem(clerkS1, code)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ status: 'used', redeemedStoreId: 'S1' })
      const again = await redeem(clerkS1, code)
      expect(again.status).toBe(200)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.body).toEqual({ ...res.body, repeat: { action: 'redeem', by: 'clerk-c1', at: res.body.redeemedAt } })
      const second = await redeem(clerkS1b, code)
      expect(second.status).toBe(409)
      expect(second.body.error).toMatchObject({
        code: 'COUPON.ALREADY_REDEEMED',
        details: { by: 'clerk-c1', storeId: 'S1', at: res.body.redeemedAt },
      })
      const used = await api.http.get('/api/me/coupons?status=used').set(bearer(m.accessToken))
      expect(used.body.items.map((c: { couponId: string }) => c.couponId)).toContain(coupon.couponId)
    },
  )

  it('lets exactly one of two staff racing on the same coupon succeed', async () => {
    const { code } = await claimedCode('raced')
    const results = await Promise.all([
      redeem(clerkS1, code),
      redeem(clerkS1b, code),
      redeem(clerkS1, code),
      redeem(clerkS1b, code),
    ])
    const won = results.filter((r) => r.status === 200 && !r.body.repeat)
    expect(won).toHaveLength(1)
    const winner = won[0]!.body.repeat
    for (const r of results.filter((x) => x !== won[0])) {
      // the winner's own repeat is marked; the other clerk is refused
      if (r.status === 200) expect(r.body.repeat).toMatchObject({ action: 'redeem' })
      else expect(r.body.error.code).toBe('COUPON.ALREADY_REDEEMED')
    }
    expect(winner).toBeUndefined()
    expect(results.filter((r) => r.status === 409)).toHaveLength(2)
  })

  it('refuses staff of a store the coupon is not valid at, and changes nothing', async () => {
    const { coupon, code } = await claimedCode('store-bound', { storeIds: ['S1'] })
    const res = await redeem(clerkS2, code)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('COUPON.WRONG_STORE')
    expect((await couponModels(api.conn).Coupon.findById(coupon.couponId).lean())!.state).toBe('active')
    expect((await redeem(clerkS1, code)).status).toBe(200)
  })

  it('refuses tampered codes, member tokens and bad input', async () => {
    const { code } = await claimedCode('tamper')
    const flipped = code.slice(0, -1) + ((Number(code.at(-1)) + 1) % 10)
    for (const bad of [flipped, '1' + code.slice(1), '', 'x'.repeat(24)]) {
      const res = await redeem(clerkS1, bad)
      expect(res.status).toBe(400)
    }
    const m = await api.loginMember('tamper-member')
    expect((await redeem(m.accessToken, code)).status).toBe(401)
    expect(
      (
        await api.http
          .post('/api/staff/coupons/redeem')
          .set(bearer(clerkS1))
          .send({ code: { $ne: '' } })
      ).status,
    ).toBe(400)
  })

  it('undoes within 10 minutes by the same staff only; afterwards a manager', async () => {
    const { coupon, code } = await claimedCode('undoer')
    await redeem(clerkS1, code)
    const id = encodeURIComponent(coupon.couponId)
    expect((await api.http.post(`/api/staff/coupons/${id}/undo`).set(bearer(clerkS1b)).send()).status).toBe(403)
    expect((await api.http.post(`/api/staff/coupons/${id}/undo`).set(bearer(clerkS2)).send()).status).toBe(403)
    const undo = await api.http.post(`/api/staff/coupons/${id}/undo`).set(bearer(clerkS1)).send()
    expect(undo.status).toBe(200)
    expect(undo.body.status).toBe('unused')

    const { coupon: c2, code: code2 } = await claimedCode('late-undo')
    await redeem(clerkS1, code2)
    api.clock.advance(11 * 60_000)
    try {
      const clerk = (await api.loginStaff('clerk-c1', 'clerk', 'S1')).accessToken
      const late = await api.http
        .post(`/api/staff/coupons/${encodeURIComponent(c2.couponId)}/undo`)
        .set(bearer(clerk))
        .send()
      expect(late.body.error.code).toBe('COUPON.UNDO_WINDOW_PASSED')
      const manager = (await api.loginStaff('manager-c1', 'manager', 'S1')).accessToken
      expect(
        (
          await api.http
            .post(`/api/staff/coupons/${encodeURIComponent(c2.couponId)}/undo`)
            .set(bearer(manager))
            .send()
        ).status,
      ).toBe(200)
    } finally {
      api.clock.advance(-11 * 60_000)
    }
  })
})
