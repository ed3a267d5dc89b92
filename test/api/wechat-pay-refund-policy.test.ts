import { bearer } from '../support/api-harness'
import { balanceOf, redeem, scan } from '../support/points-helpers'
import { entriesFor, payment, refund, startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'

/**
 * A 商圈 refund of points the member has already spent (issue 18: "the existing refund/debt policy applies"):
 * with `negativeBalancePolicy: debt` the clawback takes what is left and records the rest as debt, once however
 * often WeChat repeats the refund; with `reject` nothing is taken back and the refund row says `refused`.
 */
let w: PayWorld
let desk: string
beforeAll(async () => {
  w = await startPayWorld()
  await w.api.addStore('DESK', '服务台')
  desk = (await w.api.loginStaff('wxpay-refund-desk', 'clerk', 'DESK')).accessToken
})
afterAll(() => w.api.stop())

/** A 商圈 payment of ¥100 (100 points), then all but 50 points spent at the desk. */
async function paidAndSpent(openid: string, txn: string) {
  const m = await wechatMember(w, openid)
  expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, openid, 100_00))).status).toBe(204)
  expect(await entriesFor(w, `purchase:wx:${txn}`)).toMatchObject([{ delta: 100 }])
  const spend = (await balanceOf(w.api, m)) - 50
  const spent = await redeem(w.api, desk, { scanToken: await scan(w.api, m, desk), points: spend, item: '购物卡' }, txn)
  expect(spent.status).toBe(200)
  expect(await balanceOf(w.api, m)).toBe(50)
  return m
}

it('policy debt: a full refund takes the 50 left and records 50 as debt, once for 10 copies at once', async () => {
  const m = await paidAndSpent('o-refund-debt', '4200000000000070001')
  const copies = await Promise.all(
    Array.from({ length: 10 }, () =>
      w.pay.deliver(
        w.paymentUrl,
        refund(w, '4200000000000070001', '5030000000000070001', 'o-refund-debt', 100_00, 100_00),
      ),
    ),
  )
  expect(copies.map((r) => r.status)).toEqual(Array(10).fill(204))
  expect(await entriesFor(w, 'refund:5030000000000070001')).toMatchObject([{ delta: -100 }])
  const wallet = (await w.api.http.get('/api/me/wallet').set(bearer(m.accessToken))).body
  // as a till refund of spent points (points-ledger): the balance goes below zero by the debt
  expect({ balance: wallet.balance, debt: wallet.debt }).toEqual({ balance: -50, debt: 50 })
  const row = await wechatPayModels(w.api.conn).Refund.findById('5030000000000070001').lean().exec()
  expect(row).toMatchObject({ settled: true, outcome: 'reversed' })
})

it('policy reject: the refund takes nothing back and is marked refused', async () => {
  await w.api.ctx.services.rules.replace({ earning: { negativeBalancePolicy: 'reject' } })
  try {
    const m = await paidAndSpent('o-refund-reject', '4200000000000070002')
    const res = await w.pay.deliver(
      w.paymentUrl,
      refund(w, '4200000000000070002', '5030000000000070002', 'o-refund-reject', 100_00, 100_00),
    )
    expect(res.status).toBe(204) // accepted: WeChat must not retry a decision
    expect(await entriesFor(w, 'refund:5030000000000070002')).toEqual([])
    expect(await balanceOf(w.api, m)).toBe(50)
    const row = await wechatPayModels(w.api.conn).Refund.findById('5030000000000070002').lean().exec()
    expect(row).toMatchObject({ settled: true, outcome: 'refused', entryId: null })
  } finally {
    await w.api.ctx.services.rules.replace({ earning: { negativeBalancePolicy: 'debt' } })
  }
})
