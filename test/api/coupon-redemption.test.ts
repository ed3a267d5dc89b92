import { bearer, type TestApi } from '../support/api-harness'
import { claim, createTemplate, startCouponMall } from '../support/coupon-helpers'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

let api: TestApi
let operator: string
let clerkS1: string
let clerkS1b: string
let clerkS2: string

beforeAll(async () => {
  ;({ api, operator, clerkS1, clerkS1b, clerkS2 } = await startCouponMall())
})
afterAll(() => api.stop())

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
