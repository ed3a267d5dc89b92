import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { demoLottery, liveLottery } from '../support/lottery-helpers'
import { createGift, givePoints, redeemGift } from '../support/mall-helpers'
import { submitReceipt } from '../support/receipt-photo-helpers'
import { balanceOf } from '../support/points-helpers'

/**
 * Operators' manual points adjustments (maker-checker at or above 5,000 points) and freezing a member,
 * over HTTP against the embedded database: one decision per request whatever races, one posting per
 * approval, and a frozen member cannot earn, spend or claim.
 */
jest.setTimeout(180_000)
let api: TestApi
let maker: string
let checkers: string[]
let clerk: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('MA')
  maker = (await api.loginStaff('op-maker', 'operator', null)).accessToken
  checkers = await Promise.all(
    Array.from({ length: 4 }, async (_, i) => (await api.loginStaff(`op-checker-${i}`, 'operator', null)).accessToken),
  )
  clerk = (await api.loginStaff('clerk-ma', 'clerk', 'MA')).accessToken
})
afterAll(() => api.stop())

const adjust = (memberId: string, body: Record<string, unknown>, token = maker) =>
  api.http.post(`/api/ops/members/${memberId}/points-adjustments`).set(bearer(token)).send(body)
const approve = (requestId: string, token: string) =>
  api.http.post(`/api/ops/member-requests/${requestId}/approve`).set(bearer(token)).send({})
const reject = (requestId: string, token: string, reason = '金额有误') =>
  api.http.post(`/api/ops/member-requests/${requestId}/reject`).set(bearer(token)).send({ reason })
const adjustEntries = async (m: MemberLoginResponse) =>
  (await api.http.get('/api/me/wallet/entries?limit=50').set(bearer(m.accessToken))).body.items.filter(
    (e: { type: string }) => e.type === 'adjust',
  )

describe('manual points adjustments', () => {
  it('below the threshold posts at once through the ledger, with the reason, and is audited', async () => {
    const m = await api.loginMember('adj-small')
    const phone = await api.http
      .post('/api/me/phone')
      .set(bearer(m.accessToken))
      .send({ code: api.wechat.phoneCode('13800000000') })
    expect(phone.status).toBe(200)
    const before = await balanceOf(api, m)
    const res = await adjust(m.member.memberId, { points: 200, reason: '活动补发' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ state: 'applied', needsApproval: false, points: 200, decidedBy: 'op-maker' })
    expect(await balanceOf(api, m)).toBe(before + 200)
    const [entry] = await adjustEntries(m)
    expect(entry).toMatchObject({ delta: 200 })
    const audit = (await api.http.get('/api/ops/audit?staffId=op-maker').set(bearer(maker))).body.items
    expect(audit[0]).toMatchObject({
      action: 'POST /api/ops/members/:id/points-adjustments',
      target: { id: m.member.memberId, points: 200, reason: '活动补发' },
      outcome: 'ok',
      // who to whom, for the console's sentence: the operator's name and the member's masked phone
      staffName: 'op-maker',
      memberPhoneMasked: '138****0000',
    })
  })

  it('at the threshold waits for another operator; the maker cannot approve it', async () => {
    const m = await api.loginMember('adj-big')
    const before = await balanceOf(api, m)
    const res = await adjust(m.member.memberId, { points: 5000, reason: '大额补偿' })
    expect(res.body).toMatchObject({ state: 'pending', needsApproval: true })
    expect(await balanceOf(api, m)).toBe(before)
    const queue = (await api.http.get('/api/ops/member-requests?state=pending').set(bearer(maker))).body.items
    expect(queue.map((r: { requestId: string }) => r.requestId)).toContain(res.body.requestId)
    const self = await approve(res.body.requestId, maker)
    expect([self.status, self.body.error.code]).toEqual([403, 'MEMBER_REQUEST.SELF_APPROVAL'])
    const ok = await approve(res.body.requestId, checkers[0]!)
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ state: 'applied', decidedBy: 'op-checker-0', entryId: expect.any(String) })
    expect(await balanceOf(api, m)).toBe(before + 5000)
    const again = await approve(res.body.requestId, checkers[1]!)
    expect([again.status, again.body.error.code]).toEqual([409, 'MEMBER_REQUEST.ALREADY_DECIDED'])
  })

  it('a rejected request posts nothing; a deduction beyond the balance is refused by the ledger', async () => {
    const m = await api.loginMember('adj-reject')
    const before = await balanceOf(api, m)
    const big = await adjust(m.member.memberId, { points: -8000, reason: '误发扣回' })
    const rejected = await reject(big.body.requestId, checkers[0]!)
    expect(rejected.body).toMatchObject({ state: 'rejected', decisionReason: '金额有误' })
    const late = await approve(big.body.requestId, checkers[1]!)
    expect(late.body.error.code).toBe('MEMBER_REQUEST.ALREADY_DECIDED')
    const over = await adjust(m.member.memberId, { points: -(before + 1), reason: '扣回' })
    expect([over.status, over.body.error.code]).toEqual([409, 'POINTS.INSUFFICIENT'])
    const mine = (await api.http.get(`/api/ops/member-requests?memberId=${m.member.memberId}`).set(bearer(maker))).body
      .items
    expect(mine.map((r: { state: string }) => r.state)).toEqual(['refused', 'rejected'])
    expect(await balanceOf(api, m)).toBe(before)
  })

  it('refuses bad input, other roles and unknown members; nothing is recorded', async () => {
    const m = await api.loginMember('adj-bad')
    for (const body of [
      { points: 0, reason: 'x' },
      { points: 1.5, reason: 'x' },
      { points: 100, reason: '' },
      { points: 100 },
      { points: 2_000_000, reason: 'x' },
      { points: 100, reason: 'x', memberId: 'other' },
    ])
      expect((await adjust(m.member.memberId, body)).status).toBe(400)
    expect((await adjust(m.member.memberId, { points: 1, reason: 'x' }, clerk)).status).toBe(403)
    expect((await adjust('NO-SUCH-MEMBER', { points: 1, reason: 'x' })).status).toBe(404)
    expect((await approve('00000000-0000-4000-8000-000000000000', checkers[0]!)).status).toBe(404)
    expect((await approve('not-a-uuid', checkers[0]!)).status).toBe(400)
    const mine = (await api.http.get(`/api/ops/member-requests?memberId=${m.member.memberId}`).set(bearer(maker))).body
      .items
    expect(mine).toEqual([])
  })

  it(
    'of 20 concurrent approvals (and rejections) exactly ' + 'one decides, and the ledger posts once (3 rounds)',
    async () => {
      for (let round = 0; round < 3; round++) {
        const m = await api.loginMember(`adj-race-${round}`)
        const before = await balanceOf(api, m)
        const { requestId } = (await adjust(m.member.memberId, { points: 6000, reason: `并发 ${round}` })).body
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            round === 2 && i % 4 === 3 ? reject(requestId, checkers[i % 4]!) : approve(requestId, checkers[i % 4]!),
          ),
        )
        const won = results.filter((r) => r.status === 200)
        expect(won).toHaveLength(1)
        expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
          Array(19).fill('MEMBER_REQUEST.ALREADY_DECIDED'),
        )
        const posted = won[0]!.body.state === 'applied' ? 6000 : 0
        expect(await balanceOf(api, m)).toBe(before + posted)
        expect(await adjustEntries(m)).toHaveLength(posted ? 1 : 0)
      }
    },
  )
})

describe('freezing a member', () => {
  it(
    'a frozen member cannot claim, check in, file a points ' + 'claim or be scanned; unfreezing restores it; audited',
    async () => {
      const m = await api.loginMember('frozen-one')
      const templateId = await createTemplate(api, maker, { stock: 10 })
      const freeze = await api.http
        .post(`/api/ops/members/${m.member.memberId}/freeze`)
        .set(bearer(maker))
        .send({ reason: '疑似盗号' })
      expect(freeze.status).toBe(200)
      expect(freeze.body).toMatchObject({ frozen: true, changedBy: 'op-maker', reason: '疑似盗号' })

      const claimed = await claim(api, m.accessToken, templateId)
      expect([claimed.status, claimed.body.error.code]).toEqual([403, 'MEMBER.FROZEN'])
      const checkin = await api.http.post('/api/me/checkin').set(bearer(m.accessToken)).send({})
      expect([checkin.status, checkin.body.error.code]).toEqual([403, 'MEMBER.FROZEN'])
      api.clock.advance(30_000)
      const code = (await api.http.get('/api/me/member-code').set(bearer(m.accessToken))).body.code
      const scanned = await api.http.post('/api/staff/member-code/resolve').set(bearer(clerk)).send({ code })
      expect([scanned.status, scanned.body.error.code]).toEqual([403, 'MEMBER.FROZEN'])

      const late = await api.http
        .post('/api/me/points-claims')
        .set(bearer(m.accessToken))
        .send({
          storeId: 'MA',
          purchasedAt: new Date(api.clock.now().getTime() - 3600_000).toISOString(),
          amountFen: 100_00,
          receiptNo: 'FROZEN-1',
        })
      expect([late.status, late.body.error?.code]).toEqual([403, 'MEMBER.FROZEN'])

      const lotteryId = await liveLottery(api, maker, demoLottery(api.clock.now().getTime()))
      const draw = await api.http
        .post(`/api/lotteries/${lotteryId}/draw`)
        .set(bearer(m.accessToken))
        .set('Idempotency-Key', 'frozen-draw')
        .send({})
      expect([draw.status, draw.body.error?.code]).toEqual([403, 'MEMBER.FROZEN'])

      await givePoints(api, m, 5_000, 'frozen-gift')
      const gift = await redeemGift(api, m, await createGift(api, maker))
      expect([gift.status, gift.body.error?.code]).toEqual([403, 'MEMBER.FROZEN'])
      const receipt = await submitReceipt(api, m.accessToken, {})
      expect([receipt.status, receipt.body.error?.code]).toEqual([403, 'MEMBER.FROZEN'])

      const twice = await api.http
        .post(`/api/ops/members/${m.member.memberId}/freeze`)
        .set(bearer(checkers[0]!))
        .send({ reason: '再次' })
      expect([twice.status, twice.body.error.code]).toEqual([409, 'MEMBER.ALREADY_FROZEN'])
      const unfreeze = await api.http
        .post(`/api/ops/members/${m.member.memberId}/unfreeze`)
        .set(bearer(maker))
        .send({ reason: '本人核实' })
      expect(unfreeze.body).toMatchObject({ frozen: false, reason: '本人核实' })
      expect((await claim(api, m.accessToken, templateId)).status).toBe(200)
      const audit = (await api.http.get('/api/ops/audit?action=POST /api/ops/members').set(bearer(maker))).body.items
      expect(audit.map((a: { action: string; outcome: string }) => `${a.action} ${a.outcome}`)).toEqual(
        expect.arrayContaining([
          'POST /api/ops/members/:id/freeze ok',
          'POST /api/ops/members/:id/freeze MEMBER.ALREADY_FROZEN',
          'POST /api/ops/members/:id/unfreeze ok',
        ]),
      )
    },
  )

  it('of 20 concurrent freezes exactly one applies (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const m = await api.loginMember(`freeze-race-${round}`)
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.http
            .post(`/api/ops/members/${m.member.memberId}/freeze`)
            .set(bearer(checkers[i % 4]!))
            .send({ reason: `并发 ${i}` }),
        ),
      )
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      expect(new Set(results.filter((r) => r.status !== 200).map((r) => r.body.error.code))).toEqual(
        new Set(['MEMBER.ALREADY_FROZEN']),
      )
      const status = await api.http.get(`/api/ops/members/${m.member.memberId}/status`).set(bearer(maker))
      expect(status.body).toMatchObject({ frozen: true, approvalThreshold: 5000 })
    }
  })
})
