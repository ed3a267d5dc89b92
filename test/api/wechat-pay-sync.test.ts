import { bearer } from '../support/api-harness'
import { award, balanceOf, scan } from '../support/points-helpers'
import { RETRY_SCHEDULE_S } from '../support/wechat-pay-stub'
import {
  crashedPurchaseRow,
  entriesFor,
  payment,
  startPayWorld,
  wechatMember,
  type PayWorld,
} from '../support/wechat-pay-helpers'
import { purchaseKeyModel } from '../../server/src/modules/points/purchase.model'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'

jest.setTimeout(90_000)

let w: PayWorld
let clerk: string
beforeAll(async () => {
  w = await startPayWorld()
})
afterAll(() => w.api.stop())
// The sync tests move the clock by hours: log the clerk in afresh for each test.
beforeEach(async () => {
  clerk = (await w.api.loginStaff('wxpay-clerk', 'clerk', 'WX1')).accessToken
})

describe('商圈会员积分同步 (the points sync outbox)', () => {
  it('is sent, signed, with the points and the total; failing 5 times, then accepted once', async () => {
    await wechatMember(w, 'o-sync')
    const txn = '4200000000000000100'
    w.pay.failNextSyncs(5, 500, 'SYSTEM_ERROR')
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-sync', 8_800))).status).toBe(204)
    const runs = []
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    const failing = await w.api.http.get('/api/ops/wechat-pay/syncs').set(bearer(w.operator))
    expect(failing.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ transactionId: txn, attempts: 1, lastError: 'SYSTEM_ERROR' })]),
    )
    for (let i = 0; i < 12; i++) {
      runs.push(await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now()))
      w.api.clock.advance(3_600_000) // past any backoff
    }
    const balance = await balanceOf(w.api, await wechatMember(w, 'o-sync')) // the token above expired meanwhile
    const calls = w.pay.syncCalls.filter((c) => c.body.transaction_id === txn)
    expect(calls.map((c) => c.status)).toEqual([500, 500, 500, 500, 500, 204])
    const operator = (await w.api.loginStaff('wxpay-operator', 'operator', null)).accessToken // the clock moved 12 h
    const pending = await w.api.http.get('/api/ops/wechat-pay/syncs').set(bearer(operator))
    expect(pending.body.items.map((i: { transactionId: string }) => i.transactionId)).not.toContain(txn)
    expect(w.pay.syncs.filter((s) => s.transaction_id === txn)).toEqual([
      {
        transaction_id: txn,
        appid: w.api.wechat.appId,
        openid: 'o-sync',
        earn_points: true,
        increased_points: 88,
        points_update_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
        total_points: balance,
      },
    ])
    const attempts = await wechatPayModels(w.api.conn)
      .SyncAttempt.collection.find({ _id: { $regex: `^${txn}#` } } as never)
      .toArray()
    expect(attempts.map((a) => a.outcome).sort()).toEqual([
      'accepted',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ])
  })

  it('waits longer after each failure', async () => {
    await wechatMember(w, 'o-backoff')
    const txn = '4200000000000000110'
    w.pay.failNextSyncs(3)
    await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-backoff', 1_000))
    const sent = () => w.pay.syncCalls.filter((c) => c.body.transaction_id === txn).length
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    expect(sent()).toBe(1)
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now()) // not due yet
    expect(sent()).toBe(1)
    w.api.clock.advance(16_000)
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    expect(sent()).toBe(2)
    w.api.clock.advance(16_000) // the second wait is 30 s
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    expect(sent()).toBe(2)
  })

  it('two job runs at once never send one attempt twice', async () => {
    await wechatMember(w, 'o-race')
    const txn = '4200000000000000120'
    w.api.clock.advance(3_600_000)
    await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-race', 2_000))
    await Promise.all(Array.from({ length: 6 }, () => w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())))
    expect(w.pay.syncCalls.filter((c) => c.body.transaction_id === txn)).toHaveLength(1)
  })
})

describe("WeChat's answers are believed only when WeChat signed them", () => {
  it.each(['stranger', 'none'] as const)('an answer signed by %s is a failed attempt, retried', async (mode) => {
    await wechatMember(w, `o-unsigned-${mode}`)
    const txn = mode === 'none' ? '4200000000000000140' : '4200000000000000141'
    w.api.clock.advance(3_600_000)
    await w.pay.deliver(w.paymentUrl, payment(w, txn, `o-unsigned-${mode}`, 1_000))
    w.pay.signResponses(mode)
    try {
      await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    } finally {
      w.pay.signResponses('platform')
    }
    const attempts = await wechatPayModels(w.api.conn).SyncAttempt.collection.findOne({ _id: `${txn}#1` } as never)
    expect(attempts).toMatchObject({ outcome: 'failed', code: 'RESPONSE_NOT_SIGNED' })
    w.api.clock.advance(60_000)
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    const second = await wechatPayModels(w.api.conn).SyncAttempt.collection.findOne({ _id: `${txn}#2` } as never)
    expect(second).toMatchObject({ outcome: 'accepted' })
  })
})

describe('a payment over the per-receipt maximum', () => {
  it('earns nothing, and WeChat is told so (earn_points false with a remark)', async () => {
    const m = await wechatMember(w, 'o-huge')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000130'
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-huge', 50_000_01))).status).toBe(204)
    expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(0)
    expect(await balanceOf(w.api, m)).toBe(start)
    w.api.clock.advance(3_600_000)
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    expect(w.pay.syncs.find((s) => s.transaction_id === txn)).toMatchObject({
      earn_points: false,
      increased_points: 0,
      no_points_remarks: '单笔金额超过积分上限',
    })
  })
})

describe('a payment after the member reached the daily earning cap', () => {
  it('earns nothing, and WeChat is told why (earn_points false, 已达当日积分上限)', async () => {
    await w.api.ctx.services.rules.replace({ earning: { dailyEarnCap: 150 } })
    try {
      const m = await wechatMember(w, 'o-capped')
      const first = '4200000000000071140'
      const second = '4200000000000071141'
      expect((await w.pay.deliver(w.paymentUrl, payment(w, first, 'o-capped', 150_00))).status).toBe(204)
      expect((await w.pay.deliver(w.paymentUrl, payment(w, second, 'o-capped', 80_00))).status).toBe(204)
      expect(await entriesFor(w, `purchase:wx:${first}`)).toMatchObject([{ delta: 150 }])
      const balance = await balanceOf(w.api, m)
      w.api.clock.advance(3_600_000)
      await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
      expect(w.pay.syncs.find((s) => s.transaction_id === first)).toMatchObject({
        earn_points: true,
        increased_points: 150,
      })
      expect(w.pay.syncs.find((s) => s.transaction_id === second)).toMatchObject({
        earn_points: false,
        increased_points: 0,
        total_points: balance,
        no_points_remarks: '已达当日积分上限',
      })
    } finally {
      await w.api.ctx.services.rules.replace({ earning: { dailyEarnCap: 0 } })
    }
  })
})

describe('one purchase reported by the till and by 商圈 is paid once', () => {
  it('till first (with the WeChat order number): the 商圈 payment is linked, not paid again', async () => {
    const m = await wechatMember(w, 'o-till-first')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000200'
    const tillAward = await award(w.api, clerk, {
      scanToken: await scan(w.api, m, clerk),
      receiptNo: 'WX-T1',
      amountFen: 30_000,
      transactionId: txn,
    } as never)
    expect(tillAward.body).toMatchObject({ status: 'posted', points: 300 })
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-till-first', 30_000))).status).toBe(204)
    expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(0)
    expect(await balanceOf(w.api, m)).toBe(start + 300)
    w.api.clock.advance(3_600_000)
    await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
    expect(w.pay.syncs.find((s) => s.transaction_id === txn)).toMatchObject({
      earn_points: true,
      increased_points: 300,
    })
  })

  it('商圈 first: the till award of the same payment is refused with PURCHASE.ALREADY_EARNED', async () => {
    const m = await wechatMember(w, 'o-wx-first')
    const txn = '4200000000000000210'
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-wx-first', 30_000))).status).toBe(204)
    const balance = await balanceOf(w.api, m)
    const tillAward = await award(w.api, clerk, {
      scanToken: await scan(w.api, m, clerk),
      receiptNo: 'WX-T2',
      amountFen: 30_000,
      transactionId: txn,
    } as never)
    expect(tillAward.status).toBe(409)
    expect(tillAward.body.error).toMatchObject({
      code: 'PURCHASE.ALREADY_EARNED',
      details: { channel: 'wechat_pay', purchaseId: `wx:${txn}` },
    })
    expect(await balanceOf(w.api, m)).toBe(balance)
  })

  it('both at once, 10 times over: one posting', async () => {
    const m = await wechatMember(w, 'o-both')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000220'
    const token = await scan(w.api, m, clerk)
    await Promise.all([
      ...Array.from({ length: 10 }, () => w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-both', 15_000))),
      ...Array.from({ length: 10 }, () =>
        award(w.api, clerk, { scanToken: token, receiptNo: 'WX-T3', amountFen: 15_000, transactionId: txn } as never),
      ),
    ])
    const wx = await entriesFor(w, `purchase:wx:${txn}`)
    const till = await entriesFor(w, 'purchase:WX1:WX-T3')
    expect(wx.length + till.length).toBe(1)
    expect(await balanceOf(w.api, m)).toBe(start + 150)
  })
})

describe('after a channel died between claiming the payment and recording it', () => {
  it(
    "the till's purchase is written from its key by the 商圈 " +
      "notification and earns once; the till's retry repeats it",
    async () => {
      const m = await wechatMember(w, 'o-till-crash')
      const start = await balanceOf(w.api, m)
      const txn = '4200000000000000230'
      const at = w.api.clock.now()
      const tillPurchase = crashedPurchaseRow({
        channel: 'till',
        purchaseId: 'WX1:WX-T9',
        storeId: 'WX1',
        receiptNo: 'WX-T9',
        transactionId: txn,
        memberId: m.member.memberId,
        amountFen: 25_000,
        at,
        by: 'wxpay-clerk',
      })
      // What the till's award had written when its process died: the key, carrying the purchase row.
      await purchaseKeyModel(w.api.conn).collection.insertOne({
        _id: `txn:${txn}`,
        purchaseId: 'WX1:WX-T9',
        channel: 'till',
        at,
        purchase: tillPurchase,
      } as never)
      const results = await Promise.all(
        Array.from({ length: 5 }, () => w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-till-crash', 25_000))),
      )
      expect(results.map((r) => r.status)).toEqual(Array(5).fill(204))
      expect(await entriesFor(w, 'purchase:WX1:WX-T9')).toMatchObject([{ delta: 250 }])
      expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(0)
      expect(await balanceOf(w.api, m)).toBe(start + 250)
      const body = { scanToken: await scan(w.api, m, clerk), receiptNo: 'WX-T9', amountFen: 25_000, transactionId: txn }
      const retry = await award(w.api, clerk, body as never)
      expect(retry.body).toMatchObject({ status: 'posted', points: 250, purchaseId: 'WX1:WX-T9' })
      expect(await balanceOf(w.api, m)).toBe(start + 250)
      w.api.clock.advance(3_600_000)
      await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
      expect(w.pay.syncs.find((s) => s.transaction_id === txn)).toMatchObject({
        earn_points: true,
        increased_points: 250,
      })
    },
  )
})

describe("WeChat's retry schedule, replayed on a compressed clock", () => {
  it('a notification refused while another channel records its payment is retried until it earns, once', async () => {
    const m = await wechatMember(w, 'o-retry')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000300'
    // Another channel holds the key but has not written its purchase yet: answered 500, WeChat retries.
    const Key = purchaseKeyModel(w.api.conn)
    await Key.collection.insertOne({ _id: `txn:${txn}`, purchaseId: 'ghost', channel: 'till', at: new Date() } as never)
    const { attempts, statuses } = await w.pay.deliverWithRetries(
      w.paymentUrl,
      () => payment(w, txn, 'o-retry', 4_000),
      2_000,
      async (n) => {
        if (n === 4) await Key.collection.deleteOne({ _id: `txn:${txn}` } as never) // the other channel gave it up
      },
    )
    expect(statuses).toEqual([500, 500, 500, 204])
    // the gaps follow 15 s / 15 s / 30 s, 2000× faster
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!)
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((RETRY_SCHEDULE_S[i]! * 1000) / 2_000 - 2))
    expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(1)
    expect(await balanceOf(w.api, m)).toBe(start + 40)
  })

  it('the member sees the 商圈 purchase in the wallet as 微信支付', async () => {
    const m = await wechatMember(w, 'o-retry')
    const res = await w.api.http.get('/api/me/wallet/entries?limit=1').set(bearer(m.accessToken))
    expect(res.body.items[0]).toMatchObject({ title: '消费积分', channel: '微信支付', delta: 40 })
  })
})
