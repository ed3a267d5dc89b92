import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, balanceOf, scan, withoutMemberDay } from '../support/points-helpers'
import { claim, createTemplate } from '../support/coupon-helpers'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { purchaseModel } from '../../server/src/modules/points/purchase.model'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { transitionHooks, type TransitionRow } from '../../server/src/db/transitions'

/**
 * Every transition of a receipt or a coupon is decided by a unique insert: raced in rounds of 20+
 * concurrent requests, and with a writer paused (or crashed) between its insert and the writes after.
 */
let api: TestApi
let clerk: string
let clerkB: string
let manager: string
let managerB: string
let operator: string
const W = 100

beforeAll(async () => {
  api = await startTestApi()
  api.clock.runFromStartOfHour()
  await withoutMemberDay(api)
  // many large receipts from one till: the caps are not what these tests look at
  await api.ctx.services.rules.replace({
    earning: { staffDailyCapFen: 1_000_000_000_00, staffHourlyCapFen: 1_000_000_000_00 },
  })
  await api.addStore('S1')
  clerk = (await api.loginStaff('clerk-t1', 'clerk', 'S1')).accessToken
  clerkB = (await api.loginStaff('clerk-t2', 'clerk', 'S1')).accessToken
  manager = (await api.loginStaff('manager-t1', 'manager', 'S1')).accessToken
  managerB = (await api.loginStaff('manager-t2', 'manager', 'S1')).accessToken
  operator = (await api.loginStaff('op-t', 'operator', null)).accessToken
})
afterEach(() => {
  transitionHooks.afterClaim = undefined
})

/** Pauses the first writer whose transition row matches, between its insert and what follows it. */
function pauseAfterClaim(matches: (row: TransitionRow) => boolean): { reached: Promise<void>; release: () => void } {
  let release!: () => void
  const paused = new Promise<void>((resolve) => (release = resolve))
  let reach!: () => void
  const reached = new Promise<void>((resolve) => (reach = resolve))
  transitionHooks.afterClaim = async (row) => {
    if (!matches(row)) return
    transitionHooks.afterClaim = undefined
    reach()
    await paused
  }
  return { reached, release }
}

const couponCode = async (memberToken: string, couponId: string): Promise<string> =>
  (await api.http.get(`/api/me/coupons/${encodeURIComponent(couponId)}/code`).set(bearer(memberToken))).body.code
afterAll(() => api.stop())

// Operators have no store of their own: they name it.
const store = (token: string) => (token === operator ? { storeId: 'S1' } : {})
const decide = (token: string, receipt: string, approve: boolean) =>
  api.http
    .post(`/api/staff/purchases/${receipt}/decision`)
    .set(bearer(token))
    .send({ approve, ...store(token) })
const reverse = (token: string, receipt: string, reason: 'undo' | 'refund') =>
  api.http
    .post(`/api/staff/purchases/${receipt}/reverse`)
    .set(bearer(token))
    .send({ reason, ...store(token) })

const redeem = (token: string, code: string) =>
  api.http.post('/api/staff/coupons/redeem').set(bearer(token)).send({ code })
const undo = (token: string, id: string) =>
  api.http
    .post(`/api/staff/coupons/${encodeURIComponent(id)}/undo`)
    .set(bearer(token))
    .send()

/** posted ⇔ the earn entry is there; rejected/reversed ⇔ no net points; the receipt's status says which. */
async function expectReceiptAndLedgerAgree(receipt: string, memberToken: string): Promise<string> {
  const p = (await purchaseModel(api.conn).findById(`S1:${receipt}`).lean())!
  const { Entry } = ledgerModels(api.conn)
  const earned = await Entry.countDocuments({ eventKey: `purchase:S1:${receipt}` })
  const reversed = await Entry.countDocuments({ eventKey: `reversal:purchase:S1:${receipt}` })
  const balance = await balanceOf(api, { accessToken: memberToken } as never)
  if (p.status === 'posted') expect([earned, reversed, balance]).toEqual([1, 0, W + 12_000])
  else if (p.status === 'rejected') expect([earned, reversed, balance]).toEqual([0, 0, W])
  else if (p.status === 'reversed') expect([earned, reversed, balance]).toEqual([1, 1, W])
  else throw new Error(`receipt left ${p.status}`)
  return p.status
}

describe('a held receipt: approve, reject and undo raced', () => {
  it('lets exactly one transition win in every round; the rest repeat it (same staff) or get 409', async () => {
    const outcomes = new Set<string>()
    for (let round = 0; round < 6; round++) {
      const m = await api.loginMember(`held-${round}`)
      const receipt = `HELD-${round}`
      const held = await award(api, clerk, {
        scanToken: await scan(api, m, clerk),
        receiptNo: receipt,
        amountFen: 1_200_000,
      })
      expect(held.body).toMatchObject({ status: 'pending_approval' })
      const requests = Array.from({ length: 24 }, (_, i) => {
        const kind = (i + round) % 4
        if (kind === 0) return decide(manager, receipt, true)
        if (kind === 1) return decide(managerB, receipt, false)
        if (kind === 2) return reverse(clerk, receipt, 'undo')
        return decide(operator, receipt, i % 2 === 0)
      })
      const results = await Promise.all(requests)
      const firsts = results.filter((r) => r.status === 200 && !r.body.repeat)
      expect(firsts).toHaveLength(1)
      const winner = firsts[0]!.body
      for (const r of results) {
        if (r === firsts[0]) continue
        if (r.status === 200) {
          expect(r.headers['idempotent-replayed']).toBe('true')
          expect(r.body.status).toBe(winner.status)
        } else {
          expect(r.status).toBe(409)
          expect(r.body.error.code).toBe('PURCHASE.ALREADY_DECIDED')
          expect(r.body.error.details).toMatchObject({ outcome: expect.any(String), by: expect.any(String) })
        }
      }
      outcomes.add(await expectReceiptAndLedgerAgree(receipt, m.accessToken))
    }
    expect(outcomes.size).toBeGreaterThan(1) // both approvals and rejections won some rounds
  })

  it('refuses a rejection and an undo while an approval is paused between its insert and its posting', async () => {
    const m = await api.loginMember('held-paused')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'HELD-P', amountFen: 1_200_000 })
    const { reached, release } = pauseAfterClaim((row) => row._id.startsWith('S1:HELD-P:'))
    const approval = decide(manager, 'HELD-P', true).then((r) => r)
    await reached
    const [reject, undo] = await Promise.all([decide(managerB, 'HELD-P', false), reverse(clerk, 'HELD-P', 'undo')])
    expect([reject.status, undo.status]).toEqual([409, 409])
    release()
    expect((await approval).body).toMatchObject({ status: 'posted', points: 12_000 })
    expect(await expectReceiptAndLedgerAgree('HELD-P', m.accessToken)).toBe('posted')
  })

  it('finishes an approval whose writer crashed after its insert (the sweeper posts it)', async () => {
    const m = await api.loginMember('held-crash')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'HELD-C', amountFen: 1_200_000 })
    transitionHooks.afterClaim = async () => {
      throw new Error('crash between the insert and the posting')
    }
    expect((await decide(manager, 'HELD-C', true)).status).toBe(500)
    transitionHooks.afterClaim = undefined
    expect((await decide(managerB, 'HELD-C', false)).body.error.code).toBe('PURCHASE.ALREADY_DECIDED')
    expect(await balanceOf(api, m)).toBe(W)
    api.clock.advance(31_000)
    await api.ctx.jobs.sweepPurchases(api.clock.now())
    expect(await expectReceiptAndLedgerAgree('HELD-C', m.accessToken)).toBe('posted')
  })
})

describe('a posted receipt: undo and refund raced', () => {
  it('reverses once; the other reversals repeat it or get 409, and the balance is right', async () => {
    for (let round = 0; round < 3; round++) {
      const m = await api.loginMember(`posted-${round}`)
      const receipt = `POSTED-${round}`
      await award(api, manager, { scanToken: await scan(api, m, manager), receiptNo: receipt, amountFen: 1_200_000 })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 3 === 0
            ? reverse(manager, receipt, 'undo')
            : i % 3 === 1
              ? reverse(managerB, receipt, 'refund')
              : reverse(operator, receipt, 'refund'),
        ),
      )
      expect(results.filter((r) => r.status === 200 && !r.body.repeat)).toHaveLength(1)
      for (const r of results) expect([200, 409]).toContain(r.status)
      expect(await expectReceiptAndLedgerAgree(receipt, m.accessToken)).toBe('reversed')
    }
  })
})

describe('a coupon: redeem and undo raced by several clerks', () => {
  /** The member's view, the till's answer and the records agree. */
  async function expectCouponViewsAgree(member: string, couponId: string, code: string): Promise<boolean> {
    const { Coupon, RedemptionLog } = couponModels(api.conn)
    const rows = await RedemptionLog.find({ couponId }).lean()
    const uses = rows.filter((r) => r.action === 'redeem').length
    const undos = rows.filter((r) => r.action === 'undo').length
    expect(uses - undos).toBeGreaterThanOrEqual(0)
    expect(uses - undos).toBeLessThanOrEqual(1)
    const redeemed = uses - undos === 1
    const coupon = (await Coupon.findById(couponId).lean())!
    expect(coupon.state).toBe(redeemed ? 'redeemed' : 'active')
    const mine = await api.http.get('/api/me/coupons?status=used').set(bearer(member))
    expect(mine.body.items.some((c: { couponId: string }) => c.couponId === couponId)).toBe(redeemed)
    const preview = await api.http.post('/api/staff/coupons/preview').set(bearer(clerk)).send({ code })
    expect(preview.body.usable).toBe(!redeemed)
    return redeemed
  }

  it(
    'ends every round with the member, the till and the ' + 'records agreeing; an undone coupon redeems again once',
    async () => {
      const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 10 })
      const m = await api.loginMember('coupon-racer')
      const tokens = [clerk, clerkB, manager, managerB]
      for (let round = 0; round < 6; round++) {
        const coupon = (await claim(api, m.accessToken, tid)).body
        const code = await couponCode(m.accessToken, coupon.couponId)
        expect((await redeem(clerk, code)).status).toBe(200)
        // undos and fresh redemptions of the same coupon, all at once
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            i % 2 === 0 ? undo(tokens[(i / 2) % 4]!, coupon.couponId) : redeem(tokens[(i + round) % 4]!, code),
          ),
        )
        for (const r of results) expect(r.status).toBeLessThan(500)
        const redeemed = await expectCouponViewsAgree(m.accessToken, coupon.couponId, code)
        if (!redeemed) {
          // undone: it redeems again exactly once
          const again = await Promise.all(tokens.map((t) => redeem(t, code)))
          expect(again.filter((r) => r.status === 200 && !r.body.repeat)).toHaveLength(1)
          expect(await expectCouponViewsAgree(m.accessToken, coupon.couponId, code)).toBe(true)
        }
      }
    },
  )

  it(
    'converges when an undo is paused between its insert ' + 'and its cache write while the coupon is redeemed again',
    async () => {
      const tid = await createTemplate(api, operator, { stock: null })
      const m = await api.loginMember('coupon-paused')
      const coupon = (await claim(api, m.accessToken, tid)).body
      const code = await couponCode(m.accessToken, coupon.couponId)
      await redeem(clerk, code)
      const { reached, release } = pauseAfterClaim((row) => row._id.endsWith(':undo1'))
      const undone = undo(clerk, coupon.couponId).then((r) => r)
      await reached
      // the undo's row is in: a second clerk redeems the coupon again before the undo writes the coupon
      const again = await redeem(clerkB, code)
      expect(again.status).toBe(200)
      release()
      expect((await undone).status).toBe(200)
      expect(await expectCouponViewsAgree(m.accessToken, coupon.couponId, code)).toBe(true)
    },
  )

  it('repairs a coupon whose redeeming writer crashed after its insert (on read, and by the sweeper)', async () => {
    const tid = await createTemplate(api, operator, { stock: null })
    const m = await api.loginMember('coupon-crash')
    const coupon = (await claim(api, m.accessToken, tid)).body
    const code = await couponCode(m.accessToken, coupon.couponId)
    transitionHooks.afterClaim = async () => {
      throw new Error('crash between the insert and the cache write')
    }
    expect((await redeem(clerk, code)).status).toBe(500)
    transitionHooks.afterClaim = undefined
    const { Coupon } = couponModels(api.conn)
    expect((await Coupon.findById(coupon.couponId).lean())!.state).toBe('active') // the cache lags
    api.clock.advance(31_000)
    expect(await api.ctx.jobs.sweepCouponClaims(api.clock.now())).toMatchObject({ usesSettled: 1 })
    expect(await expectCouponViewsAgree(m.accessToken, coupon.couponId, code)).toBe(true)
  })
})

describe('KPI redemptions', () => {
  it('does not count an undone redemption as 核销 (dashboard and store day)', async () => {
    const name = 'KPI撤销测试券'
    const tid = await createTemplate(api, operator, { name, stock: null, perMemberLimit: 2 })
    const m = await api.loginMember('kpi-undo')
    const day = new Date(api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    const storeDay = async () =>
      (await api.http.get(`/api/staff/store/daily?day=${day}`).set(bearer(manager))).body.couponsRedeemed as number
    const before = await storeDay()
    for (let i = 0; i < 2; i++) {
      const c = (await claim(api, m.accessToken, tid)).body
      expect((await redeem(clerk, await couponCode(m.accessToken, c.couponId))).status).toBe(200)
      if (i === 0) expect((await undo(clerk, c.couponId)).status).toBe(200)
    }
    const report = await api.http.get(`/api/ops/kpis?from=${day}&to=${day}`).set(bearer(operator))
    const table = report.body.tables.find((t: { key: string }) => t.key === 'coupons')
    expect(table.rows.find((r: unknown[]) => r[0] === name)).toEqual([name, 2, 1, 50])
    expect(await storeDay()).toBe(before + 1)
    // the clerk's day list names the coupon and says which redemption was undone, in words on screen
    const today = (await api.http.get('/api/staff/operations/today').set(bearer(clerk))).body.items as {
      title: string
      status: string
    }[]
    const mineToday = today.filter((o) => o.title === `核销「${name}」`)
    expect(mineToday.map((o) => o.status).sort()).toEqual(['redeemed', 'undone'])
  })
})
