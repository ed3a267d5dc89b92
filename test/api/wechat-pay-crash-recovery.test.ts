import { balanceOf } from '../support/points-helpers'
import { purchaseKeyModel, purchaseModel } from '../../server/src/modules/points/purchase.model'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'
import {
  crashedPurchaseRow,
  entriesFor,
  payment,
  refund,
  startPayWorld,
  wechatMember,
  type PayWorld,
} from '../support/wechat-pay-helpers'

// WeChat Pay notifications whose process died half-way: the rows it left are written as it left them, then the
// sweepers and WeChat's retries finish the work once.
jest.setTimeout(60_000)

let w: PayWorld
beforeAll(async () => {
  w = await startPayWorld()
})
afterAll(() => w.api.stop())

/** A refund row as the handler left it when its process died: kept, with no slot among its payment's refunds. */
function keptRefund(refundId: string, transactionId: string, openid: string, payFen: number, refundFen: number) {
  return wechatPayModels(w.api.conn).Refund.collection.insertOne({
    _id: refundId,
    transactionId,
    openid,
    payFen,
    refundFen,
    refundedAt: new Date(),
    receivedAt: new Date(),
    settled: false,
    outcome: null,
    entryId: null,
  } as never)
}

describe('after a crash', () => {
  it(
    'between recording a payment and posting it: the sweeper ' +
      'and WeChat retrying at once post it once, and sync it',
    async () => {
      const m = await wechatMember(w, 'o-crash')
      const start = await balanceOf(w.api, m)
      const txn = '4200000000000000060'
      const at = new Date(w.api.clock.now().getTime() - 120_000)
      // What recordPurchase had written when the process died: the key, then the purchase row.
      await purchaseKeyModel(w.api.conn).collection.insertOne({
        _id: `txn:${txn}`,
        purchaseId: `wx:${txn}`,
        channel: 'wechat_pay',
        at,
      } as never)
      const row = crashedPurchaseRow({
        channel: 'wechat_pay',
        purchaseId: `wx:${txn}`,
        storeId: 'WX1',
        receiptNo: txn,
        transactionId: txn,
        memberId: m.member.memberId,
        amountFen: 7_000,
        at,
        by: 'wechat_pay',
      })
      await purchaseModel(w.api.conn).collection.insertOne(row as never)
      await Promise.all([
        w.api.ctx.jobs.sweepPurchases(w.api.clock.now()),
        ...Array.from({ length: 5 }, () => w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-crash', 7_000))),
      ])
      expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(1)
      expect(await balanceOf(w.api, m)).toBe(start + 70)
      expect(await wechatPayModels(w.api.conn).Sync.countDocuments({ _id: txn })).toBe(1)
    },
  )
})

describe('after a crash between keeping a refund and applying it', () => {
  it('the sweeper applies it, once', async () => {
    await wechatMember(w, 'o-refund-crash')
    const txn = '4200000000000000065'
    await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-refund-crash', 10_000))
    // The refund row as the handler left it when its process died (no slot, not applied).
    await keptRefund('5030000000000000065', txn, 'o-refund-crash', 10_000, 5_000)
    await Promise.all([
      w.api.ctx.jobs.sweepWechatPay(w.api.clock.now()),
      w.api.ctx.jobs.sweepWechatPay(w.api.clock.now()),
    ])
    expect(await entriesFor(w, 'refund:5030000000000000065')).toMatchObject([{ delta: -50 }])
    const row = await wechatPayModels(w.api.conn).Refund.collection.findOne({ _id: '5030000000000000065' } as never)
    expect(row).toMatchObject({ settled: true, outcome: 'reversed' })
  })
})

describe("after a crash between keeping a refund and placing it among its payment's refunds", () => {
  it("WeChat's retry places it, and the payment posted later applies it at once (no sweeper needed)", async () => {
    const m = await wechatMember(w, 'o-refund-slotless')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000066'
    // The refund row as the handler left it when its process died before the payment arrived (no slot).
    await keptRefund('5030000000000000066', txn, 'o-refund-slotless', 10_000, 10_000)
    const retried = refund(w, txn, '5030000000000000066', 'o-refund-slotless', 10_000, 10_000)
    expect((await w.pay.deliver(w.paymentUrl, retried)).status).toBe(204)
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-refund-slotless', 10_000))).status).toBe(204)
    expect(await entriesFor(w, 'refund:5030000000000000066')).toMatchObject([{ delta: -100 }])
    expect(await balanceOf(w.api, m)).toBe(start)
  })
})
