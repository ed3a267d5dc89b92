import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, balanceOf, scan } from '../support/points-helpers'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'

let api: TestApi
let clerk: string
let clerkB: string
let manager: string
const W = 100 // welcome points (config default)

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
  await api.addStore('S2')
  clerk = (await api.loginStaff('clerk-a', 'clerk', 'S1')).accessToken
  clerkB = (await api.loginStaff('clerk-b', 'clerk', 'S2')).accessToken
  manager = (await api.loginStaff('manager-a', 'manager', 'S1')).accessToken
})
afterAll(() => api.stop())

describe('staff award for a purchase', () => {
  it('earns 1 point per whole yuan at tier 1, with the breakdown stored', async () => {
    api.clock.runFrom('2026-11-20T04:00:00Z') // not a member day
    const m = await api.loginMember('earner')
    const res = await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'R-1', amountFen: 12_399 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      status: 'posted',
      points: 123,
      balanceAfter: W + 123,
      storeId: 'S1',
      receiptNo: 'R-1',
    })
    expect(res.body.breakdown).toMatchObject({ basePoints: 123, tierMultiplierPermille: 1000, campaign: null })
    expect(await balanceOf(api, m)).toBe(W + 123)
    // the wallet history says how the points came about
    const history = await api.http.get('/api/me/wallet/entries').set(bearer(m.accessToken))
    expect(history.body.items[0]).toMatchObject({ delta: 123, explanation: '消费 ¥123.99：基础 123 分' })
  })

  it('doubles points on member day (the 18th, Shanghai time)', async () => {
    api.clock.runFrom('2026-11-17T16:30:00Z') // 00:30 on the 18th in Shanghai
    const m = await api.loginMember('member-day')
    const res = await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'R-MD', amountFen: 10_000 })
    expect(res.body.points).toBe(200)
    expect(res.body.breakdown.campaign).toMatchObject({ id: 'member-day', multiplierPermille: 2000 })
    api.clock.runFrom('2026-11-20T04:00:00Z')
  })

  it(
    'returns the original result for a second scan of the same ' +
      'receipt, marked as a repeat, and refuses a changed one',
    async () => {
      const m = await api.loginMember('rescan')
      const token = await scan(api, m, clerk)
      const first = await award(api, clerk, { scanToken: token, receiptNo: 'R-2', amountFen: 5_000 })
      expect(first.body.repeat).toBeUndefined()
      expect(first.headers['idempotent-replayed']).toBeUndefined()
      const again = await award(api, clerk, { scanToken: token, receiptNo: 'R-2', amountFen: 5_000 })
      expect(again.status).toBe(200)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.body).toEqual({
        ...first.body,
        repeat: { action: 'award', by: 'clerk-a', at: first.body.createdAt },
      })
      const changed = await award(api, clerk, { scanToken: token, receiptNo: 'R-2', amountFen: 6_000 })
      expect(changed.status).toBe(409)
      expect(changed.body.error.code).toBe('PURCHASE.RECEIPT_USED')
      expect(await balanceOf(api, m)).toBe(W + 50)
    },
  )

  it(
    'posts once when the same receipt is sent 20 times at ' + 'once; one answer awards, the others say it was awarded',
    async () => {
      const m = await api.loginMember('receipt-race')
      const token = await scan(api, m, clerk)
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          award(api, clerk, { scanToken: token, receiptNo: 'R-RACE', amountFen: 7_700 }),
        ),
      )
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
      const firsts = results.filter((r) => !r.body.repeat)
      expect(firsts).toHaveLength(1)
      for (const r of results) {
        const { repeat, ...body } = r.body
        expect(body).toEqual(firsts[0]!.body)
        if (repeat) expect(repeat).toEqual({ action: 'award', by: 'clerk-a', at: firsts[0]!.body.createdAt })
      }
      expect(await balanceOf(api, m)).toBe(W + 77)
      expect(await ledgerModels(api.conn).Entry.countDocuments({ eventKey: 'purchase:S1:R-RACE' })).toBe(1)
    },
  )

  it('posts once for one Idempotency-Key sent 5 times at once, and refuses the key with another body', async () => {
    const m = await api.loginMember('idem-race')
    const token = await scan(api, m, clerk)
    const body = { scanToken: token, receiptNo: 'R-IDEM', amountFen: 3_300 }
    const results = await Promise.all(Array.from({ length: 5 }, () => award(api, clerk, body, 'key-idem-0001')))
    expect(new Set(results.map((r) => JSON.stringify([r.status, r.body]))).size).toBe(1)
    expect(results[0]!.status).toBe(200)
    const other = await award(api, clerk, { ...body, receiptNo: 'R-IDEM-2' }, 'key-idem-0001')
    expect(other.status).toBe(422)
    expect(other.body.error.code).toBe('IDEMPOTENCY.KEY_REUSED')
    expect(await balanceOf(api, m)).toBe(W + 33)
  })

  it('refuses a scan token from another store or another staff member', async () => {
    const m = await api.loginMember('wrong-store')
    const token = await scan(api, m, clerk)
    const res = await award(api, clerkB, { scanToken: token, receiptNo: 'R-X', amountFen: 1_000 })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('AUTH.FORBIDDEN')
    expect(await balanceOf(api, m)).toBe(W)
  })

  it('upgrades the tier immediately when growth reaches the next threshold', async () => {
    const m = await api.loginMember('upgrader')
    const res = await award(api, manager, {
      scanToken: await scan(api, m, manager),
      receiptNo: 'R-UP',
      amountFen: 300_000,
    })
    expect(res.body.tier).toEqual({ level: 2, name: '银卡会员' })
    const card = await api.http.get('/api/me/card').set(bearer(m.accessToken))
    expect(card.body.tier).toEqual({ level: 2, name: '银卡会员' })
    // the next purchase earns with the silver multiplier
    const next = await award(api, manager, {
      scanToken: await scan(api, m, manager),
      receiptNo: 'R-UP2',
      amountFen: 10_000,
    })
    expect(next.body.points).toBe(120)
  })
  it('earns at the tier the scan showed the staff member, even if it changed since', async () => {
    const m = await api.loginMember('tier-at-scan')
    await api.ctx.services.members.setTier(m.member.memberId, 3) // gold: 1.5×
    const scanToken = await scan(api, m, manager)
    await api.ctx.services.members.setTier(m.member.memberId, 1) // lowered after the scan (e.g. the monthly review)
    const res = await award(api, manager, { scanToken, receiptNo: 'R-TIER', amountFen: 10_000 })
    expect(res.body).toMatchObject({ points: 150, breakdown: { tierMultiplierPermille: 1500 } })
    // Without a scan at hand (a held award approved later), the member's tier now is what counts.
    const held = await award(api, clerk, {
      scanToken: await scan(api, m, clerk),
      receiptNo: 'R-TIER-HELD',
      amountFen: 1_200_000,
    })
    expect(held.body.status).toBe('pending_approval')
    await api.ctx.services.members.setTier(m.member.memberId, 2) // silver: 1.2×
    const approved = await api.http
      .post('/api/staff/purchases/R-TIER-HELD/decision')
      .set(bearer(manager))
      .send({ approve: true })
    expect(approved.body).toMatchObject({ status: 'posted', points: 14_400 })
  })
})

describe('controls', () => {
  it('holds a clerk award above the threshold for manager approval, then posts on approval', async () => {
    const m = await api.loginMember('big-spender')
    const res = await award(api, clerk, {
      scanToken: await scan(api, m, clerk),
      receiptNo: 'R-BIG',
      amountFen: 1_200_000,
    })
    // held: it shows the points it is expected to earn (12,000.00 at tier 1), and nothing is posted yet
    expect(res.body).toMatchObject({ status: 'pending_approval', points: 12_000, balanceAfter: null })
    const pending = await api.http.get('/api/staff/purchases/pending').set(bearer(manager))
    expect(pending.body.items.find((p: { receiptNo: string }) => p.receiptNo === 'R-BIG')).toMatchObject({
      points: 12_000,
    })
    expect(await balanceOf(api, m)).toBe(W)
    const byClerk = await api.http
      .post('/api/staff/purchases/R-BIG/decision')
      .set(bearer(clerk))
      .send({ approve: true })
    expect(byClerk.status).toBe(403)
    const approved = await api.http
      .post('/api/staff/purchases/R-BIG/decision')
      .set(bearer(manager))
      .send({ approve: true })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'posted', points: 12_000 })
    expect(await balanceOf(api, m)).toBe(W + 12_000)
  })

  it('lets the clerk undo within 10 minutes; later only a manager', async () => {
    const m = await api.loginMember('undo')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'R-U1', amountFen: 2_000 })
    const undo = await api.http.post('/api/staff/purchases/R-U1/reverse').set(bearer(clerk)).send({ reason: 'undo' })
    expect(undo.status).toBe(200)
    expect(undo.body).toMatchObject({ status: 'reversed', points: -20 })
    expect(await balanceOf(api, m)).toBe(W)

    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'R-U2', amountFen: 3_000 })
    api.clock.advance(11 * 60_000)
    const late = await api.http.post('/api/staff/purchases/R-U2/reverse').set(bearer(clerk)).send({ reason: 'undo' })
    expect(late.status).toBe(403)
    expect(late.body.error.code).toBe('PURCHASE.UNDO_WINDOW_PASSED')
    const byManager = await api.http
      .post('/api/staff/purchases/R-U2/reverse')
      .set(bearer(manager))
      .send({ reason: 'undo' })
    expect(byManager.status).toBe(200)
    const twice = await api.http.post('/api/staff/purchases/R-U2/reverse').set(bearer(manager)).send({ reason: 'undo' })
    expect(twice.body.points).toBe(-30) // the same reversal, not a second one
    expect(await balanceOf(api, m)).toBe(W)
  })

  it('refuses bad input with 4xx and writes nothing', async () => {
    const m = await api.loginMember('bad-input')
    const token = await scan(api, m, clerk)
    const before = await ledgerModels(api.conn).Entry.countDocuments()
    const bad: unknown[] = [
      { scanToken: token, receiptNo: 'B1', amountFen: -100 },
      { scanToken: token, receiptNo: 'B1', amountFen: 10.5 },
      { scanToken: token, receiptNo: 'B1', amountFen: 2 ** 53 + 2 },
      { scanToken: token, receiptNo: 'B1', amountFen: '100' },
      { scanToken: token, receiptNo: 'B1', amountFen: 0 },
      { scanToken: token, receiptNo: { $ne: null }, amountFen: 100 },
      { scanToken: token, receiptNo: 'B 1', amountFen: 100 },
      { scanToken: token, receiptNo: 'B1', amountFen: 100, points: 99999 },
      { scanToken: token, receiptNo: 'B1', amountFen: 100, memberId: m.member.memberId },
      { scanToken: 'not-a-real-scan-token-xxxxxxxx', receiptNo: 'B1', amountFen: 100 },
    ]
    for (const body of bad) {
      const res = await api.http
        .post('/api/staff/purchases')
        .set(bearer(clerk))
        .send(body as object)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    expect(await ledgerModels(api.conn).Entry.countDocuments()).toBe(before)
  })

  it('refuses member tokens on staff routes', async () => {
    const m = await api.loginMember('not-staff')
    const res = await api.http
      .post('/api/staff/purchases')
      .set(bearer(m.accessToken))
      .send({ scanToken: 'x'.repeat(30), receiptNo: 'Z', amountFen: 100 })
    expect(res.status).toBe(401)
  })
})

describe('per-member daily earning cap', () => {
  it('holds for 20 purchases of one member at once (each reservation decided by a unique insert)', async () => {
    await api.ctx.services.rules.replace({ earning: { dailyEarnCap: 150 } })
    try {
      const m = await api.loginMember('daily-capped-race')
      const token = await scan(api, m, manager)
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          award(api, manager, { scanToken: token, receiptNo: `CAP-R${i}`, amountFen: 30_00 }),
        ),
      )
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(results.reduce((sum, r) => sum + r.body.points, 0)).toBe(150)
      expect(await balanceOf(api, m)).toBe(W + 150)
      // a repeat of a capped receipt answers as before, and takes nothing more
      const again = await award(api, manager, { scanToken: token, receiptNo: 'CAP-R0', amountFen: 30_00 })
      expect(again.body.points).toBe(results[0]!.body.points)
      expect(await balanceOf(api, m)).toBe(W + 150)
    } finally {
      await api.ctx.services.rules.replace({ earning: { dailyEarnCap: 0 } })
    }
  })

  it('caps purchase points earned per Shanghai day when configured', async () => {
    await api.ctx.services.rules.replace({ earning: { dailyEarnCap: 150 } })
    try {
      const m = await api.loginMember('daily-capped')
      const first = await award(api, manager, {
        scanToken: await scan(api, m, manager),
        receiptNo: 'CAP-D1',
        amountFen: 100_00,
      })
      const second = await award(api, manager, {
        scanToken: await scan(api, m, manager),
        receiptNo: 'CAP-D2',
        amountFen: 100_00,
      })
      const third = await award(api, manager, {
        scanToken: await scan(api, m, manager),
        receiptNo: 'CAP-D3',
        amountFen: 100_00,
      })
      expect([first.body.points, second.body.points, third.body.points]).toEqual([100, 50, 0])
      expect(second.body.breakdown.cappedBy).toBe('daily')
      expect(await balanceOf(api, m)).toBe(W + 150)
    } finally {
      await api.ctx.services.rules.replace({ earning: { dailyEarnCap: 0 } })
    }
  })
})
