import { bearer, type TestApi } from '../support/api-harness'
import { claim, createTemplate, myCoupons, startCouponMall } from '../support/coupon-helpers'
import { couponPointersBeforeTheCouponId } from '../../server/src/db/migrate-chain-rows'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

let api: TestApi
let operator: string

beforeAll(async () => {
  ;({ api, operator } = await startCouponMall())
})
afterAll(() => api.stop())

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
      expect((await myCoupons(api, a.accessToken)).map((c) => c.couponId).sort()).toEqual([first])
      api.clock.advance(61_000)
      try {
        await couponPointersBeforeTheCouponId(api.conn)
        const again = await api.loginMember('book-a')
        expect((await myCoupons(api, again.accessToken)).map((c) => c.couponId).sort()).toEqual(
          [first, `${tid}#3`].sort(),
        )
        expect(await book.findOne({ _id: `${a.member.memberId}:2` } as never)).toMatchObject({ couponId: `${tid}#3` })
        expect(await book.findOne({ _id: `${a.member.memberId}:3` } as never)).toMatchObject({ failed: true })
        const centre = (await api.http.get('/api/coupons').set(bearer(again.accessToken))).body.items.find(
          (c: { templateId: string }) => c.templateId === tid,
        )
        expect(centre).toMatchObject({ claimedByMe: 2, stockLeft: 0, blocker: 'SOLD_OUT' })
        expect((await myCoupons(api, (await api.loginMember('book-b')).accessToken)).map((c) => c.couponId)).toEqual([
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
