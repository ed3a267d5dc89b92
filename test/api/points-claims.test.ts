import type { MemberLoginResponse } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { award, balanceOf, scan } from '../support/points-helpers'
import { photoAndSubmit } from '../support/receipt-photo-helpers'
import { entriesFor, payment, startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'
import { pointsClaimModels } from '../../server/src/modules/points-claims/points-claim.model'

/**
 * 积分补登 over HTTP: what a claim finds before anyone looks at it, the desk's queue and decisions (one
 * insert decides; 20+ concurrent deciders), and the one earn pipeline: an approved claim and another
 * channel reporting the same purchase never pay twice, whichever comes first.
 */
jest.setTimeout(120_000)

let w: PayWorld
let desk: string
let clerk: string
beforeAll(async () => {
  w = await startPayWorld()
  await w.api.addStore('DESK', '服务台')
  await w.api.addStore('CS1', '补登门店')
  desk = (await w.api.loginStaff('claims-desk', 'clerk', 'DESK')).accessToken
  clerk = (await w.api.loginStaff('claims-clerk', 'clerk', 'CS1')).accessToken
})
afterAll(() => w.api.stop())

const ago = (ms: number) => new Date(w.api.clock.now().getTime() - ms).toISOString()
const HOUR = 3600_000
/** points a member has before any purchase (a sign-up gift, if the rules give one) */
const welcome = async (m: MemberLoginResponse) =>
  (await w.api.http.get('/api/me/wallet/entries').set(bearer(m.accessToken))).body.items
    .filter((e: { type: string }) => e.type !== 'earn')
    .reduce((sum: number, e: { delta: number }) => sum + e.delta, 0)

function file(m: MemberLoginResponse, body: Record<string, unknown>) {
  return w.api.http.post('/api/me/points-claims').set(bearer(m.accessToken)).send(body)
}
const decide = (token: string, claimId: string, verb: 'approve' | 'reject', body: object) =>
  w.api.http
    .post(`/api/desk/points-claims/${encodeURIComponent(claimId)}/${verb}`)
    .set(bearer(token))
    .send(body)

describe('filing a claim: refused input writes nothing', () => {
  it.each([
    ['a purchase in the future', { purchasedAt: 'future' }, 422, 'CLAIM.OUT_OF_WINDOW'],
    ['a purchase 31 days ago', { purchasedAt: 'old' }, 422, 'CLAIM.OUT_OF_WINDOW'],
    ['an unknown store', { storeId: 'NOPE' }, 404, 'STORE.NOT_FOUND'],
    ['an amount above the per-receipt maximum', { amountFen: 99_999_999_00 }, 422, 'PURCHASE.AMOUNT_TOO_LARGE'],
    ['no amount', { amountFen: undefined }, 400, 'VALIDATION.FAILED'],
    ['a receipt number with odd characters', { receiptNo: 'a b' }, 400, 'VALIDATION.FAILED'],
  ])('%s → %s', async (_name, change, status, code) => {
    const m = await w.api.loginMember('claim-refused')
    const when = { future: ago(-HOUR), old: ago(31 * 24 * HOUR) } as Record<string, string>
    const { purchasedAt, ...rest } = change as { purchasedAt?: string }
    const before = await dbFingerprint(w.api.conn)
    const res = await file(m, {
      storeId: 'CS1',
      purchasedAt: purchasedAt ? when[purchasedAt] : ago(HOUR),
      amountFen: 100_00,
      ...rest,
    })
    expect(res.status).toBe(status)
    expect(res.body.error.code).toBe(code)
    expect(await dbFingerprint(w.api.conn)).toBe(before)
  })
})

describe('a claim first looks for the purchase', () => {
  it('a 商圈 payment already earned → 该笔支付已入账 with its points, no claim filed', async () => {
    const m = await wechatMember(w, 'o-claim-earned')
    expect((await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000070001', 'o-claim-earned', 88_00))).status).toBe(
      204,
    )
    const res = await file(m, {
      storeId: 'WX1',
      purchasedAt: ago(0),
      amountFen: 88_00,
      transactionId: '4200000000000070001',
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ finding: 'already_earned', points: 88, claim: null })
    expect(res.body.message).toContain('已入账')
    expect((await w.api.http.get('/api/me/points-claims').set(bearer(m.accessToken))).body.items).toEqual([])
  })

  it('a payment at an unmapped merchant → 商户未关联，已转人工', async () => {
    const m = await wechatMember(w, 'o-claim-unmapped')
    const n = payment(w, '4200000000000070002', 'o-claim-unmapped', 50_00, '1900009999')
    expect((await w.pay.deliver(w.paymentUrl, n)).status).toBe(204)
    const res = await file(m, {
      storeId: 'WX1',
      purchasedAt: ago(0),
      amountFen: 50_00,
      transactionId: '4200000000000070002',
    })
    expect(res.body).toMatchObject({ finding: 'merchant_unmapped', claim: null })
    expect(res.body.message).toContain('已转人工')
  })

  it('a payment queued because its payer was unknown, claimed by that payer → earned now, once', async () => {
    const n = payment(w, '4200000000000070003', 'o-claim-late', 120_00)
    expect((await w.pay.deliver(w.paymentUrl, n)).status).toBe(204)
    const m = await wechatMember(w, 'o-claim-late')
    const body = { storeId: 'WX1', purchasedAt: ago(0), amountFen: 120_00, transactionId: '4200000000000070003' }
    const first = await file(m, body)
    expect(first.body).toMatchObject({ finding: 'earned_now', points: 120 })
    expect((await file(m, body)).body).toMatchObject({ finding: 'already_earned', points: 120 })
    expect((await balanceOf(w.api, m)) - (await welcome(m))).toBe(120)
    expect(await entriesFor(w, 'purchase:wx:4200000000000070003')).toHaveLength(1)
  })

  it('WeChat says points are pending (待积分状态) → 正在处理', async () => {
    const m = await wechatMember(w, 'o-claim-pending')
    w.pay.setPendingPoints('o-claim-pending', true)
    const res = await file(m, { storeId: 'WX1', purchasedAt: ago(HOUR), amountFen: 66_00 })
    expect(res.body).toMatchObject({ finding: 'processing', claim: null })
    w.pay.setPendingPoints('o-claim-pending', false)
    expect((await file(m, { storeId: 'WX1', purchasedAt: ago(HOUR), amountFen: 66_00 })).body.finding).toBe('filed')
  })

  it('a receipt photo waiting for review → 正在处理, by its number or by store, amount and time', async () => {
    const m = await w.api.loginMember('claim-photo')
    w.api.ctx.services.receiptOcr.enabled = false // the photo only has to be held, not read
    try {
      const fields = { storeId: 'CS1', receiptNo: 'PH-1', amountFen: 45_00, purchasedAt: ago(HOUR) }
      const submitted = await photoAndSubmit(w.api, m.accessToken, fields)
      expect([submitted.status, submitted.body.status]).toEqual([201, 'pending'])
      const claims = pointsClaimModels(w.api.conn).Claim
      const before = await claims.countDocuments().exec()
      const byNumber = await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 45_00, receiptNo: 'PH-1' })
      expect(byNumber.body).toMatchObject({ finding: 'processing', claim: null })
      const byPurchase = await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 45_00 })
      expect(byPurchase.body).toMatchObject({ finding: 'processing', claim: null })
      expect(await claims.countDocuments().exec()).toBe(before) // nothing went to the desk
    } finally {
      w.api.ctx.services.receiptOcr.enabled = true
    }
  })

  it('the same receipt earned at the till by this member → already earned', async () => {
    const m = await w.api.loginMember('claim-till')
    const res = await award(w.api, clerk, {
      scanToken: await scan(w.api, m, clerk),
      receiptNo: 'T-1',
      amountFen: 30_00,
    })
    expect(res.status).toBe(200)
    const claimed = await file(m, { storeId: 'CS1', purchasedAt: ago(0), amountFen: 30_00, receiptNo: 'T-1' })
    expect(claimed.body).toMatchObject({ finding: 'already_earned', points: 30 })
  })
})

describe('the desk decides a filed claim', () => {
  it('filed once however often it is sent (20 at once); the member sees 待审核, others do not', async () => {
    const m = await w.api.loginMember('claim-filer')
    const other = await w.api.loginMember('claim-other')
    const body = { storeId: 'CS1', purchasedAt: ago(2 * HOUR), amountFen: 256_00, receiptNo: 'F-1' }
    const all = await Promise.all(Array.from({ length: 20 }, () => file(m, body)))
    expect(new Set(all.map((r) => r.status))).toEqual(new Set([200]))
    expect(new Set(all.map((r) => r.body.claim.claimId)).size).toBe(1)
    expect(await pointsClaimModels(w.api.conn).Claim.countDocuments({ memberId: all[0]!.body.claim.memberId })).toBe(1)
    const mine = await w.api.http.get('/api/me/points-claims').set(bearer(m.accessToken))
    expect(mine.body.items).toEqual([
      expect.objectContaining({ status: 'pending', storeName: '补登门店', receiptNo: 'F-1' }),
    ])
    expect((await w.api.http.get('/api/me/points-claims').set(bearer(other.accessToken))).body.items).toEqual([])
  })

  it('only the service desk and operators see and decide the queue', async () => {
    const m = await w.api.loginMember('claim-gate')
    const { claim } = (await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 10_00, receiptNo: 'G-1' }))
      .body
    expect((await w.api.http.get('/api/desk/points-claims').set(bearer(clerk))).status).toBe(403)
    expect((await decide(clerk, claim.claimId, 'approve', { amountFen: 10_00 })).status).toBe(403)
    expect((await decide(m.accessToken, claim.claimId, 'approve', { amountFen: 10_00 })).status).toBe(401)
    const queue = await w.api.http.get('/api/desk/points-claims').set(bearer(desk))
    expect(queue.body.items.map((c: { claimId: string }) => c.claimId)).toContain(claim.claimId)
    const ops = await w.api.http.get('/api/desk/points-claims?status=pending').set(bearer(w.operator))
    expect(ops.status).toBe(200)
  })

  it('approve posts through the earn pipeline as 服务台补登; reject says why; decided once', async () => {
    const m = await w.api.loginMember('claim-approved')
    const a = (await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 200_00, receiptNo: 'A-1' })).body
      .claim
    const b = (await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 99_00 })).body.claim
    const ok = await decide(desk, a.claimId, 'approve', { amountFen: 180_00 })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'approved', points: 180, amountFen: 180_00, decidedBy: 'claims-desk' })
    const no = await decide(w.operator, b.claimId, 'reject', { reason: 'no_purchase_found' })
    expect(no.body).toMatchObject({ status: 'rejected', points: 0, rejectReason: 'no_purchase_found' })
    expect((await decide(desk, a.claimId, 'reject', { reason: 'info_mismatch' })).body.error.code).toBe(
      'CLAIM.ALREADY_DECIDED',
    )
    expect((await balanceOf(w.api, m)) - (await welcome(m))).toBe(180)
    const history = await w.api.http.get('/api/me/wallet/entries').set(bearer(m.accessToken))
    expect(JSON.stringify(history.body)).toContain('服务台补登')
    const mine = (await w.api.http.get('/api/me/points-claims').set(bearer(m.accessToken))).body.items
    expect(mine.map((c: { status: string }) => c.status).sort()).toEqual(['approved', 'rejected'])
    expect((await decide(desk, 'nobody:r:CS1:X', 'approve', { amountFen: 1_00 })).status).toBe(404)
  })

  it('20+ concurrent approvals and rejections, 3 rounds: exactly one wins, one posting', async () => {
    for (let round = 0; round < 3; round++) {
      const m = await w.api.loginMember(`claim-race-${round}`)
      const c = (
        await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 50_00, receiptNo: `RACE-${round}` })
      ).body.claim
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          i % 2
            ? decide(i % 4 === 1 ? desk : w.operator, c.claimId, 'approve', { amountFen: 50_00 })
            : decide(desk, c.claimId, 'reject', { reason: 'info_mismatch' }),
        ),
      )
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1)
      expect(answers.filter((r) => r.status === 409)).toHaveLength(23)
      const winner = answers.find((r) => r.status === 200)!.body
      expect((await balanceOf(w.api, m)) - (await welcome(m))).toBe(winner.status === 'approved' ? 50 : 0)
      expect(await entriesFor(w, `purchase:CS1:RACE-${round}`)).toHaveLength(winner.status === 'approved' ? 1 : 0)
    }
  })
})

describe('one earn pipeline: a claimed purchase is never paid twice', () => {
  it('the till earns the receipt first → approving the claim is refused with the channel', async () => {
    const m = await w.api.loginMember('claim-till-first')
    const c = (await file(m, { storeId: 'CS1', purchasedAt: ago(HOUR), amountFen: 40_00, receiptNo: 'X-1' })).body.claim
    expect(
      (await award(w.api, clerk, { scanToken: await scan(w.api, m, clerk), receiptNo: 'X-1', amountFen: 40_00 }))
        .status,
    ).toBe(200)
    const res = await decide(desk, c.claimId, 'approve', { amountFen: 40_00 })
    expect(res.status).toBe(409)
    expect(res.body.error).toMatchObject({ code: 'PURCHASE.ALREADY_EARNED', details: { channel: 'till' } })
    expect((await balanceOf(w.api, m)) - (await welcome(m))).toBe(40)
  })

  it('claim approved first, then the 商圈 payment arrives (20 deliveries at once) → points once', async () => {
    const m = await wechatMember(w, 'o-claim-first')
    const txn = '4200000000000070010'
    const c = (await file(m, { storeId: 'WX1', purchasedAt: ago(HOUR), amountFen: 77_00, transactionId: txn })).body
      .claim
    expect(c).toBeTruthy()
    const [approved, ...deliveries] = await Promise.all([
      decide(desk, c.claimId, 'approve', { amountFen: 77_00 }),
      ...Array.from({ length: 20 }, () => w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-claim-first', 77_00))),
    ])
    expect(deliveries.every((d) => d.status === 204)).toBe(true)
    expect([200, 409]).toContain(approved.status)
    expect((await balanceOf(w.api, m)) - (await welcome(m))).toBe(77)
    const posted = [
      ...(await entriesFor(w, `purchase:wx:${txn}`)),
      ...(await entriesFor(w, `purchase:claim:${c.claimId}`)),
    ]
    expect(posted).toHaveLength(1)
    const report = await w.api.ctx.jobs.replayCheck()
    expect(report.differences).toEqual([])
  })
})
