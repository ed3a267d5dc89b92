import { bearer } from '../support/api-harness'
import { balanceOf } from '../support/points-helpers'
import { entriesFor, payment, startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'

// WeChat Pay payments of an unknown merchant or payer: queued for the operator, earned once they can be matched.
jest.setTimeout(60_000)

let w: PayWorld
beforeAll(async () => {
  w = await startPayWorld()
})
afterAll(() => w.api.stop())

describe('payments nobody can be matched to wait for an operator', () => {
  it('an unknown merchant is queued, and earns once the operator maps it', async () => {
    const m = await wechatMember(w, 'o-unmapped')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000040'
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-unmapped', 5_000, '1900000999'))).status).toBe(204)
    const queue = await w.api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(w.operator))
    expect(queue.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ transactionId: txn, reason: 'unknown_merchant', mchid: '1900000999' }),
      ]),
    )
    expect(await balanceOf(w.api, m)).toBe(start)
    await w.api.addStore('WX2', '新店')
    expect(
      (
        await w.api.http
          .put('/api/ops/wechat-pay/merchants/1900000999')
          .set(bearer(w.operator))
          .send({ storeId: 'WX2' })
      ).status,
    ).toBe(200)
    expect(await balanceOf(w.api, m)).toBe(start + 50)
    const after = await w.api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(w.operator))
    expect(after.body.items.map((i: { transactionId: string }) => i.transactionId)).not.toContain(txn)
  })

  it(
    'unknown merchant and unknown payer: mapping keeps it queued ' +
      'for the payer; a retry after they log in earns it once',
    async () => {
      const txn = '4200000000000000045'
      expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-later', 6_000, '1900000998'))).status).toBe(204)
      await w.api.addStore('WX3', '三店')
      await w.api.http.put('/api/ops/wechat-pay/merchants/1900000998').set(bearer(w.operator)).send({ storeId: 'WX3' })
      const queue = await w.api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(w.operator))
      expect(queue.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ transactionId: txn, reason: 'unknown_member' })]),
      )
      const retry = () => w.api.http.post(`/api/ops/wechat-pay/unmapped/${txn}/retry`).set(bearer(w.operator)).send({})
      expect((await retry()).body).toEqual({ transactionId: txn, outcome: 'queued', reason: 'unknown_member' })
      const m = await wechatMember(w, 'o-later')
      const start = await balanceOf(w.api, m)
      expect((await retry()).body).toEqual({ transactionId: txn, outcome: 'earned', reason: null })
      expect((await retry()).status).toBe(404)
      expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(1)
      expect(await balanceOf(w.api, m)).toBe(start + 60)
    },
  )

  it(
    'a merchant marked outside the programme: its queued payment and later ones (20 copies at once) ' +
      'earn nothing, each synced once as earn_points:false with the reason',
    async () => {
      const m = await wechatMember(w, 'o-bank')
      const start = await balanceOf(w.api, m)
      const queued = '4200000000000000060'
      const later = '4200000000000000061'
      expect((await w.pay.deliver(w.paymentUrl, payment(w, queued, 'o-bank', 8_000, '1900000997'))).status).toBe(204)
      const mark = await w.api.http
        .put('/api/ops/wechat-pay/merchants/1900000997')
        .set(bearer(w.operator))
        .send({ storeId: null })
      expect(mark.status).toBe(200)
      expect(mark.body).toMatchObject({ mchid: '1900000997', storeId: null })
      const copies = await Promise.all(
        Array.from({ length: 20 }, () => w.pay.deliver(w.paymentUrl, payment(w, later, 'o-bank', 9_000, '1900000997'))),
      )
      expect(copies.map((r) => r.status)).toEqual(Array(20).fill(204))
      const queue = await w.api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(w.operator))
      const waiting = queue.body.items.map((i: { transactionId: string }) => i.transactionId)
      expect(waiting).not.toContain(queued)
      expect(waiting).not.toContain(later)
      await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
      for (const txn of [queued, later]) {
        const sent = w.pay.syncs.filter((s) => s.transaction_id === txn)
        expect(sent).toHaveLength(1)
        expect(sent[0]).toMatchObject({
          earn_points: false,
          increased_points: 0,
          no_points_remarks: '该商户不参与商场积分',
          total_points: start,
        })
        expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(0)
      }
      expect(await balanceOf(w.api, m)).toBe(start)
      const list = await w.api.http.get('/api/ops/wechat-pay/merchants').set(bearer(w.operator))
      expect(list.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ mchid: '1900000997', storeId: null })]),
      )
    },
  )

  it('an unknown openid is queued, nothing posted', async () => {
    const txn = '4200000000000000050'
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-nobody', 5_000))).status).toBe(204)
    const queue = await w.api.http.get('/api/ops/wechat-pay/unmapped').set(bearer(w.operator))
    expect(queue.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ transactionId: txn, reason: 'unknown_member' })]),
    )
    expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(0)
  })
})
