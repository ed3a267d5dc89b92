import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { balance, createGift, givePoints, pickupCode, redeemGift } from '../support/mall-helpers'
import { transitionHooks } from '../../server/src/db/transitions'
import { pointsMallModels } from '../../server/src/modules/points-mall/points-mall.model'

let api: TestApi
let operator: string
let clerk: string
let clerk2: string
let members = 0
const DAY = 86_400_000
const devUsers = new Map<string, string>()
jest.setTimeout(120_000)

// Tests move the clock by days: staff log in again before each, members after a move (fresh()).
async function staffLogins() {
  operator = (await api.loginStaff('ful-op', 'operator', null)).accessToken
  clerk = (await api.loginStaff('ful-desk', 'clerk', 'DESK')).accessToken
  clerk2 = (await api.loginStaff('ful-desk2', 'clerk', 'DESK')).accessToken
}
const fresh = (m: MemberLoginResponse) => api.loginMember(devUsers.get(m.member.memberId)!)

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' })
  await api.addStore('DESK')
})
beforeEach(staffLogins)
afterAll(() => api.stop())
afterEach(() => {
  transitionHooks.afterClaim = undefined
})

async function memberWith(points: number): Promise<MemberLoginResponse> {
  const n = ++members
  const m = await api.loginMember(`ful-m${n}`)
  devUsers.set(m.member.memberId, `ful-m${n}`)
  if (points > 0) await givePoints(api, m, points, `f${n}`)
  return m
}

async function redeemed(m: MemberLoginResponse, giftId: string, body?: Record<string, unknown>): Promise<string> {
  const res = await redeemGift(api, m, giftId, body)
  if (res.status !== 200) throw new Error(`redeem: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.redemptionId
}

const pickUp = (staff: string, code: string) =>
  api.http.post('/api/staff/mall/pickups').set(bearer(staff)).send({ code })
const cancel = (m: MemberLoginResponse, id: string) =>
  api.http.post(`/api/me/mall/redemptions/${id}/cancel`).set(bearer(m.accessToken)).send({})
const mine = async (m: MemberLoginResponse, id: string) =>
  (await api.http.get(`/api/me/mall/redemptions/${id}`).set(bearer(m.accessToken))).body
const refunds = (memberId: string) =>
  api.conn.collection('ledger_entries').countDocuments({ memberId, type: 'gift_refund' })
const slotsOf = (giftId: string) => pointsMallModels(api.conn).Slot.countDocuments({ giftId }).exec()

describe('pickup at the service desk', () => {
  it('desk previews and hands over once; the member sees 已领取; the code is spent', async () => {
    const giftId = await createGift(api, operator, { pricePoints: 100 })
    const m = await memberWith(300)
    const id = await redeemed(m, giftId)
    const code = await pickupCode(api, m, id)
    expect(code).toMatch(/^3[0-9]{23}$/)
    const preview = await api.http.post('/api/staff/mall/pickups/preview').set(bearer(clerk)).send({ code })
    expect(preview.body).toMatchObject({
      usable: true,
      redemption: { giftName: '星巴克中杯咖啡', statusText: '待领取' },
    })
    const done = await pickUp(clerk, code)
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ status: 'picked_up', statusText: '已领取' })
    expect(await mine(m, id)).toMatchObject({ status: 'picked_up', statusText: '已领取' })
    expect((await pickUp(clerk, code)).status).toBe(200) // the same clerk's retry: the same answer
    const other = await pickUp(clerk2, code)
    expect([other.status, other.body.error.code]).toEqual([409, 'REDEMPTION.ALREADY_DECIDED'])
    expect((await cancel(m, id)).status).toBe(409)
    const again = await api.http.get(`/api/me/mall/redemptions/${id}/pickup-code`).set(bearer(m.accessToken))
    expect(again.status).toBe(409)
    expect(await balance(api, m)).toBe(200)
    const forged = await pickUp(clerk, `3${id}00${'1'.repeat(8)}`)
    expect([forged.status, forged.body.error.code]).toEqual([400, 'PICKUP.CODE_INVALID'])
    // A mistyped code tells the desk what is wrong with it, not that some input was.
    for (const typo of ['123', 'SF12345', `${code} 1`]) {
      const res = await api.http.post('/api/staff/mall/pickups/preview').set(bearer(clerk)).send({ code: typo })
      expect([res.status, res.body.error.code]).toEqual([400, 'PICKUP.CODE_INVALID']) // 提货码无效 on the desk's screen
    }
  })

  it('the code rotates every 30 s like the member code; a code two steps old is refused, nothing changed', async () => {
    const giftId = await createGift(api, operator, { pricePoints: 100 })
    const m = await memberWith(100)
    const id = await redeemed(m, giftId)
    api.clock.set(new Date(Math.ceil(api.clock.now().getTime() / 30_000) * 30_000 + 1_000)) // a step just began
    const first = await pickupCode(api, m, id)
    api.clock.advance(30_000)
    const second = await pickupCode(api, m, id)
    expect(second).not.toBe(first)
    const preview = (code: string) => api.http.post('/api/staff/mall/pickups/preview').set(bearer(clerk)).send({ code })
    expect((await preview(first)).body.usable).toBe(true) // the step before still scans (a slow desk)
    api.clock.advance(30_000)
    for (const stale of [await preview(first), await pickUp(clerk, first)])
      expect([stale.status, stale.body.error?.code]).toEqual([410, 'PICKUP.CODE_EXPIRED'])
    expect(await mine(m, id)).toMatchObject({ status: 'pending_pickup', statusText: '待领取' })
    expect((await pickUp(clerk, await pickupCode(api, m, id))).body).toMatchObject({ status: 'picked_up' })
    api.clock.reset()
  })
})

describe('cancelling', () => {
  it('gives the points back through the ledger once and the slot back to the stock', async () => {
    const giftId = await createGift(api, operator, { stock: 1, pricePoints: 150 })
    const m = await memberWith(200)
    const id = await redeemed(m, giftId)
    expect(await balance(api, m)).toBe(50)
    const res = await cancel(m, id)
    expect(res.body).toMatchObject({ status: 'cancelled', statusText: '已取消', refundedPoints: 150 })
    expect((await cancel(m, id)).status).toBe(200) // a double tap answers the same
    expect(await balance(api, m)).toBe(200)
    expect(await refunds(m.member.memberId)).toBe(1)
    const other = await memberWith(200)
    expect((await redeemGift(api, other, giftId)).status).toBe(200) // the one slot is for sale again
  })

  it('cancel vs pickup, 20 at once, 8 rounds: one wins; refunded exactly when cancelled', async () => {
    const giftId = await createGift(api, operator, { stock: 100, pricePoints: 40 })
    for (let round = 0; round < 8; round++) {
      const m = await memberWith(100)
      const id = await redeemed(m, giftId)
      const code = await pickupCode(api, m, id)
      const tries = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? cancel(m, id) : pickUp(clerk, code)))
      const results = await Promise.all(tries)
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
      const final = await mine(m, id)
      expect(['cancelled', 'picked_up']).toContain(final.status)
      for (const r of results) {
        if (r.status === 200) expect(r.body.status).toBe(final.status)
        else expect(r.body.error.code).toBe('REDEMPTION.ALREADY_DECIDED')
      }
      const cancelled = final.status === 'cancelled'
      expect(await balance(api, m)).toBe(cancelled ? 100 : 60)
      expect(await refunds(m.member.memberId)).toBe(cancelled ? 1 : 0)
    }
  })

  it('a crash after the cancel’s insert is finished by the sweeper: points back once', async () => {
    const giftId = await createGift(api, operator, { pricePoints: 70 })
    const m = await memberWith(100)
    const id = await redeemed(m, giftId)
    transitionHooks.afterClaim = async () => {
      throw new Error('crash after the insert')
    }
    expect((await cancel(m, id)).status).toBe(500)
    transitionHooks.afterClaim = undefined
    expect(await balance(api, m)).toBe(30)
    api.clock.advance(31_000)
    await Promise.all([
      api.ctx.jobs.sweepGiftRedemptions(api.clock.now()),
      api.ctx.jobs.sweepGiftRedemptions(api.clock.now()),
    ])
    expect(await balance(api, m)).toBe(100)
    expect(await refunds(m.member.memberId)).toBe(1)
    expect(await mine(m, id)).toMatchObject({ status: 'cancelled' })
  })
})

describe('delivery', () => {
  it('the operator ships with a tracking number the member sees; ship vs cancel, 20 at once', async () => {
    const giftId = await createGift(api, operator, { fulfilment: ['delivery'], stock: 50, pricePoints: 20 })
    const address = { name: '李四', phone: '13900139000', region: '上海市 静安区', detail: '南京西路 1 号' }
    for (let round = 0; round < 4; round++) {
      const m = await memberWith(100)
      const addressId = (await api.http.post('/api/me/addresses').set(bearer(m.accessToken)).send(address)).body
        .addressId
      const id = await redeemed(m, giftId, { fulfilment: 'delivery', addressId })
      const queue = await api.http.get('/api/ops/mall/redemptions?status=pending_shipment').set(bearer(operator))
      expect(queue.body.items.map((r: { redemptionId: string }) => r.redemptionId)).toContain(id)
      const ship = () =>
        api.http
          .post(`/api/ops/mall/redemptions/${id}/ship`)
          .set(bearer(operator))
          .send({ carrier: '顺丰', trackingNo: 'SF1234567890' })
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? ship() : cancel(m, id))))
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
      const final = await mine(m, id)
      if (final.status === 'shipped') {
        expect(final.statusText).toBe('已发货（顺丰 SF1234567890）')
        expect(await balance(api, m)).toBe(80)
      } else {
        expect(final.status).toBe('cancelled')
        expect(await balance(api, m)).toBe(100)
      }
    }
  })
})

describe('unclaimed pickups lapse', () => {
  it('after N days: points back or forfeited per gift, once however many runs', async () => {
    const refunding = await createGift(api, operator, { pickupDays: 2, refundOnExpiry: true, pricePoints: 60 })
    const forfeiting = await createGift(api, operator, { pickupDays: 2, refundOnExpiry: false, pricePoints: 60 })
    const a = await memberWith(100)
    const b = await memberWith(100)
    const ra = await redeemed(a, refunding)
    const rb = await redeemed(b, forfeiting)
    const codeA = await pickupCode(api, a, ra)
    api.clock.advance(DAY)
    expect((await api.ctx.jobs.expireGiftPickups(api.clock.now())).expired).toBe(0)
    api.clock.advance(DAY + 60_000)
    const [a2, b2] = [await fresh(a), await fresh(b)]
    await staffLogins()
    const runs = await Promise.all([1, 2, 3].map(() => api.ctx.jobs.expireGiftPickups(api.clock.now())))
    expect(runs.reduce((n, r) => n + r.expired, 0)).toBeGreaterThanOrEqual(2)
    const byOperator = await api.http.post('/api/ops/jobs/expire-gift-pickups').set(bearer(operator)).send({})
    expect(byOperator.body).toEqual({ job: 'expire-gift-pickups', result: { expired: 0 } }) // nothing left to lapse
    expect(await mine(a2, ra)).toMatchObject({ status: 'expired', statusText: '已过期', refundedPoints: 60 })
    expect(await mine(b2, rb)).toMatchObject({ status: 'expired', refundedPoints: null })
    expect(await balance(api, a2)).toBe(100)
    expect(await balance(api, b2)).toBe(40)
    expect(await refunds(a.member.memberId)).toBe(1)
    expect(await slotsOf(refunding)).toBe(0)
    expect((await pickUp(clerk, codeA)).status).toBe(400) // a code from days ago no longer verifies
  })

  it('a desk scan after the last day lapses it instead of handing it over', async () => {
    const giftId = await createGift(api, operator, { pickupDays: 1, pricePoints: 10 })
    const m = await memberWith(100)
    const id = await redeemed(m, giftId)
    api.clock.advance(DAY + 1_000)
    const m2 = await fresh(m)
    await staffLogins()
    const res = await pickUp(clerk, await pickupCode(api, m2, id))
    expect([res.status, res.body.error.details.outcome]).toEqual([409, 'expired'])
    expect(await mine(m2, id)).toMatchObject({ status: 'expired', refundedPoints: 10 })
    expect(await balance(api, m2)).toBe(100)
  })
})

describe('the lapse job against the desk, 20 at once', () => {
  it('a second before the last day the desk wins; a second after, the lapse does; one refund at most', async () => {
    const giftId = await createGift(api, operator, { pickupDays: 3, pricePoints: 50, stock: 10 })
    for (const offset of [-1_000, 1_000]) {
      const m = await memberWith(100)
      const id = await redeemed(m, giftId)
      const code = await pickupCode(api, m, id)
      api.clock.advance(3 * DAY + offset)
      const codeNow = await pickupCode(api, await fresh(m), id).catch(() => code)
      await staffLogins()
      const tries = Array.from({ length: 20 }, (_, i) =>
        i % 2 ? pickUp(clerk, codeNow) : api.ctx.jobs.expireGiftPickups(api.clock.now()),
      )
      const results = await Promise.all(tries)
      for (const r of results) if ('status' in r) expect([200, 409]).toContain(r.status)
      const m2 = await fresh(m)
      const final = await mine(m2, id)
      expect(final.status).toBe(offset < 0 ? 'picked_up' : 'expired')
      expect(await refunds(m.member.memberId)).toBe(offset < 0 ? 0 : 1)
      expect(await balance(api, m2)).toBe(offset < 0 ? 50 : 100)
      api.clock.advance(-(3 * DAY + offset))
    }
  })
})

describe('gifts as other modules’ prizes', () => {
  it('grant is once per key and says sold_out when no stock is left', async () => {
    const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
    const m = await memberWith(0)
    const mall = api.ctx.services.pointsMall.giftRedemptions
    const [first, second] = await Promise.all([
      mall.grant(m.member.memberId, giftId, 'lottery:draw-1', api.clock.now()),
      mall.grant(m.member.memberId, giftId, 'lottery:draw-1', api.clock.now()),
    ])
    expect(first).not.toBe('sold_out')
    expect(second).toEqual(first)
    const other = await memberWith(0)
    expect(await mall.grant(other.member.memberId, giftId, 'lottery:draw-2', api.clock.now())).toBe('sold_out')
    expect(await balance(api, m)).toBe(0)
    expect(await mine(m, (first as { redemptionId: string }).redemptionId)).toMatchObject({ status: 'pending_pickup' })
  })
})
