import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, balanceOf, redeem, scan, withoutMemberDay } from '../support/points-helpers'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { LedgerService } from '../../server/src/modules/ledger/ledger.service'
import { MemberRepo } from '../../server/src/modules/members/member.repo'

let api: TestApi
let clerk: string
let manager: string
let desk: string
const W = 100

/** Tokens live 15 minutes of (test) clock time: log staff in again after moving the clock. */
async function staffLogin() {
  clerk = (await api.loginStaff('clerk-l', 'clerk', 'S1')).accessToken
  manager = (await api.loginStaff('manager-l', 'manager', 'S1')).accessToken
  desk = (await api.loginStaff('desk-l', 'clerk', 'DESK')).accessToken
}

/** Moves the clock and renews every session, as people would by opening the app again. */
async function travelTo(at: string, ...members: string[]) {
  api.clock.runFrom(at)
  await staffLogin()
  return Promise.all(members.map((name) => api.loginMember(name)))
}

beforeAll(async () => {
  api = await startTestApi()
  await withoutMemberDay(api) // the points checked are without the 18th's double points
  await api.addStore('S1')
  await api.addStore('DESK')
  await staffLogin()
})
afterAll(() => api.stop())

async function entriesOf(memberId: string) {
  return ledgerModels(api.conn).Entry.find({ memberId }).sort({ seq: 1 }).lean().exec()
}

describe('ledger under concurrency', () => {
  it(
    '50 concurrent earns and spends on one member: no ' + 'overdraft, no lost entry, balance = sum of entries',
    async () => {
      const m = await api.loginMember('hot-member')
      const earnToken = await scan(api, m, clerk)
      const deskToken = await scan(api, m, desk)
      const requests = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? award(api, clerk, { scanToken: earnToken, receiptNo: `C-${i}`, amountFen: 10_00 }) // +10 each
          : redeem(
              api,
              desk,
              { scanToken: deskToken, points: 30, item: `礼品${i}` },
              `spend-key-${String(i).padStart(4, '0')}`,
            ),
      )
      const results = await Promise.all(requests)
      expect(
        results.every((r) => r.status === 200 || (r.status === 409 && r.body.error.code === 'POINTS.INSUFFICIENT')),
      ).toBe(true)
      const earned = results.filter((r, i) => i % 2 === 0 && r.status === 200).length
      const spent = results.filter((r, i) => i % 2 === 1 && r.status === 200).length
      expect(earned).toBe(25)

      const entries = await entriesOf(m.member.memberId)
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1))
      expect(entries.length).toBe(1 + earned + spent)
      const sum = entries.reduce((s, e) => s + e.delta, 0)
      expect(sum).toBe(W + earned * 10 - spent * 30)
      expect(await balanceOf(api, m)).toBe(sum)
      expect(entries.every((e) => e.state.balance >= 0)).toBe(true)
      const report = await api.ctx.jobs.replayCheck()
      expect(report.differences).toEqual([])
    },
  )

  it('a desk redemption retried with the same key spends once', async () => {
    const m = await api.loginMember('retry-spend')
    const token = await scan(api, m, desk)
    const body = { scanToken: token, points: 40, item: '停车券' }
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem(api, desk, body, 'retry-key-0001')))
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1)
    expect(results[0]!.body).toMatchObject({ points: 40, balanceAfter: W - 40 })
    expect(await balanceOf(api, m)).toBe(W - 40)
    const different = await redeem(api, desk, { ...body, points: 10 }, 'retry-key-0001')
    expect(different.status).toBe(422)
  })
})

describe('two server processes on one ledger', () => {
  it(
    'refuses a spend only against the real head: a credit ' + 'another process posted counts, and a replay collides',
    async () => {
      const m = await api.loginMember('two-processes')
      const memberId = m.member.memberId
      const here = api.ctx.services.ledger
      // its own head cache, like another process
      const elsewhere = new LedgerService(api.conn, new MemberRepo(api.conn))
      const before = (await here.head(memberId)).state.balance // this process now caches the head
      const now = api.clock.now()
      await elsewhere.post({
        memberId,
        eventKey: `elsewhere:${memberId}`,
        type: 'adjust',
        now,
        plan: () => ({ op: { kind: 'credit', points: 500, earnedMonth: '2026-11', expiryMonths: 12 } }),
      })
      // This process's cached head says `before`; the spend needs the other process's 500 too.
      const spend = await here.post({
        memberId,
        eventKey: `spend:${memberId}`,
        type: 'redeem',
        now,
        plan: () => ({ op: { kind: 'debit', points: before + 400 } }),
      })
      expect(spend.entry.state.balance).toBe(100)
      // The other process replays the same spend: its stale head collides, and it returns the first entry.
      const replay = await elsewhere.post({
        memberId,
        eventKey: `spend:${memberId}`,
        type: 'redeem',
        now,
        plan: () => ({ op: { kind: 'debit', points: before + 400 } }),
      })
      expect(replay).toMatchObject({ replayed: true, entry: { _id: spend.entry._id } })
      expect(await balanceOf(api, m)).toBe(100)
    },
  )
  it(
    'starts a posting from a head it was handed without ' +
      'reading the member row, and a stale one only costs a retry',
    async () => {
      const m = await api.loginMember('handed-head')
      const memberId = m.member.memberId
      const repo = new MemberRepo(api.conn)
      let hintReads = 0
      // The real repo, counting the reads of the row's head hint.
      const counted = {
        walletHint: (id: string) => (hintReads++, repo.walletHint(id)),
        storeWalletHint: repo.storeWalletHint.bind(repo),
      }
      const credit = (eventKey: string, points: number) => ({
        memberId,
        eventKey,
        type: 'adjust',
        now: api.clock.now(),
        plan: () => ({ op: { kind: 'credit' as const, points, earnedMonth: '2026-11', expiryMonths: 12 } }),
      })
      const scanned = await api.ctx.services.ledger.head(memberId) // what a scan signs into its token
      const first = await new LedgerService(api.conn, counted).post({
        ...credit(`handed-1:${memberId}`, 10),
        handedHead: scanned,
      })
      expect([first.entry.seq, first.entry.state.balance, hintReads]).toEqual([
        scanned.seq + 1,
        scanned.state.balance + 10,
        0,
      ])
      // Handed the same head again after that posting: seq + 1 is taken, so it moves to the real head.
      const second = await new LedgerService(api.conn, counted).post({
        ...credit(`handed-2:${memberId}`, 5),
        handedHead: scanned,
      })
      expect([second.entry.seq, second.entry.state.balance]).toEqual([scanned.seq + 2, scanned.state.balance + 15])
      // A process without a handed head reads the row's hint.
      await new LedgerService(api.conn, counted).post(credit(`handed-3:${memberId}`, 1))
      expect(hintReads).toBe(1)
      expect(await balanceOf(api, m)).toBe(scanned.state.balance + 16)
    },
  )
})

describe('refund after the points were spent', () => {
  it('clawback goes into debt by policy, blocks redemption until repaid by new earnings', async () => {
    const m = await api.loginMember('refunder')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'RF-1', amountFen: 500_00 })
    await redeem(api, desk, { scanToken: await scan(api, m, desk), points: 550, item: '购物卡' }, 'refund-spend-01')
    expect(await balanceOf(api, m)).toBe(50)

    const refund = await api.http
      .post('/api/staff/purchases/RF-1/reverse')
      .set(bearer(manager))
      .send({ reason: 'refund' })
    expect(refund.status).toBe(200)
    const wallet = await api.http.get('/api/me/wallet').set(bearer(m.accessToken))
    expect(wallet.body).toMatchObject({ balance: -450, debt: 450 })

    const blocked = await redeem(
      api,
      desk,
      { scanToken: await scan(api, m, desk), points: 1, item: '小礼品' },
      'refund-spend-02',
    )
    expect(blocked.status).toBe(409)
    expect(blocked.body.error.code).toBe('POINTS.IN_DEBT')

    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'RF-2', amountFen: 600_00 })
    expect(await balanceOf(api, m)).toBe(150)
  })

  it('refuses the refund instead when the policy is "reject"', async () => {
    await api.ctx.services.rules.replace({ earning: { negativeBalancePolicy: 'reject' } })
    try {
      const m = await api.loginMember('strict-refund')
      const earned = await award(api, clerk, {
        scanToken: await scan(api, m, clerk),
        receiptNo: 'RF-3',
        amountFen: 200_00,
      })
      expect([earned.status, earned.body.status]).toEqual([200, 'posted'])
      const spent = await redeem(
        api,
        desk,
        { scanToken: await scan(api, m, desk), points: 250, item: '购物卡' },
        'strict-spend-01',
      )
      expect(spent.status).toBe(200)
      const refund = await api.http
        .post('/api/staff/purchases/RF-3/reverse')
        .set(bearer(manager))
        .send({ reason: 'refund' })
      expect(refund.status).toBe(409)
      expect(refund.body.error.code).toBe('POINTS.ALREADY_SPENT')
      expect(await balanceOf(api, m)).toBe(50)
    } finally {
      await api.ctx.services.rules.replace({ earning: { negativeBalancePolicy: 'debt' } })
    }
  })
})

describe('expiry job', () => {
  it('expires lots across a year end (Shanghai time), FIFO, idempotently', async () => {
    // welcome 100 earned 2025-12 → valid through 2026-12-31
    let [m] = await travelTo('2025-12-10T02:00:00Z', 'expiring-member')
    // +300 in 2025-12
    await award(api, clerk, { scanToken: await scan(api, m!, clerk), receiptNo: 'EX-1', amountFen: 300_00 })
    ;[m] = await travelTo('2026-01-05T02:00:00Z', 'expiring-member')
    // +200 in 2026-01
    await award(api, clerk, { scanToken: await scan(api, m!, clerk), receiptNo: 'EX-2', amountFen: 200_00 })
    // FIFO: 2025-12 lot left 50
    await redeem(api, desk, { scanToken: await scan(api, m!, desk), points: 350, item: '礼品卡' }, 'expiry-spend-01')

    const wallet = await api.http.get('/api/me/wallet').set(bearer(m!.accessToken))
    expect(wallet.body.lots).toEqual([
      { earnedMonth: '2025-12', expiresOn: '2026-12-31', remaining: 50 },
      { earnedMonth: '2026-01', expiresOn: '2027-01-31', remaining: 200 },
    ])

    api.clock.set('2026-12-31T15:59:59Z') // 23:59:59 on 31 Dec in Shanghai: still valid
    await api.ctx.jobs.expirePoints(api.clock.now())
    // Sessions have expired by now; read the wallet head directly.
    const balance = async () => (await api.ctx.services.ledger.head(m!.member.memberId)).state.balance
    expect(await balance()).toBe(250)

    api.clock.set('2026-12-31T16:00:00Z') // 00:00 on 1 Jan 2027 in Shanghai
    const first = await api.ctx.jobs.expirePoints(api.clock.now())
    const second = await api.ctx.jobs.expirePoints(api.clock.now())
    expect(first.expiredPoints).toBeGreaterThanOrEqual(50)
    expect(second).toEqual({ members: 0, expiredPoints: 0 })
    expect(await balance()).toBe(200)
    const entries = await entriesOf(m!.member.memberId)
    expect(entries.filter((e) => e.type === 'expire').map((e) => e.delta)).toEqual([-50])
    await travelTo(new Date().toISOString())
  })
})

describe('monthly tier evaluation', () => {
  it('keeps a tier above retention, downgrades one step below it, and runs once per month', async () => {
    const [keep, drop] = (await travelTo('2026-02-10T04:00:00Z', 'gold-keeper', 'gold-dropper')) as [
      MemberLoginResponse,
      MemberLoginResponse,
    ]
    await award(api, manager, { scanToken: await scan(api, keep, manager), receiptNo: 'TG-1', amountFen: 10_000_00 })
    await award(api, manager, { scanToken: await scan(api, drop, manager), receiptNo: 'TG-2', amountFen: 10_000_00 })
    expect((await api.http.get('/api/me/card').set(bearer(keep.accessToken))).body.tier.level).toBe(3)
    // The keeper spends again within the year; the dropper does not.
    const [keepAgain] = await travelTo('2026-06-10T04:00:00Z', 'gold-keeper')
    await award(api, manager, {
      scanToken: await scan(api, keepAgain!, manager),
      receiptNo: 'TG-3',
      amountFen: 8_500_00,
    })

    // 2027-02-01 Shanghai: February 2026 has left the 12-month window. Keeper: 8,500 ≥ gold retention 8,000.
    // Dropper: 0 → one step down only (gold → silver), not to the bottom.
    const [k, d] = (await travelTo('2027-01-31T16:00:00Z', 'gold-keeper', 'gold-dropper')) as [
      MemberLoginResponse,
      MemberLoginResponse,
    ]
    const result = await api.ctx.jobs.evaluateTiers(api.clock.now())
    const again = await api.ctx.jobs.evaluateTiers(api.clock.now())
    expect(again.changes).toEqual([])
    const tierOf = async (m: MemberLoginResponse) =>
      (await api.http.get('/api/me/card').set(bearer(m.accessToken))).body.tier.level
    expect(result.changes).toEqual(expect.arrayContaining([{ memberId: drop.member.memberId, from: 3, to: 2 }]))
    expect(result.changes.find((c) => c.memberId === keep.member.memberId)).toBeUndefined()
    expect(await tierOf(d)).toBe(2)
    expect(await tierOf(k)).toBe(3)
    await travelTo(new Date().toISOString())
  })
})
