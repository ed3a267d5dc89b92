import { bearer } from '../support/api-harness'
import { databaseCalls } from '../support/database-calls'
import { dbFingerprint } from '../support/db-fingerprint'
import { balanceOf } from '../support/points-helpers'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'
import { entriesFor, payment, refund, startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'

// WeChat Pay's notifications as they arrive: checked before anything is written, a payment earning once, what a
// payment costs, the member's authorisation. Recovery after crashes is in wechat-pay-crash-recovery.test.ts,
// payments nobody can be matched to in wechat-pay-unmapped.test.ts.
jest.setTimeout(60_000)

let w: PayWorld
beforeAll(async () => {
  w = await startPayWorld()
})
afterAll(() => w.api.stop())

describe('WeChat Pay notifications are checked before anything is written', () => {
  it.each([
    ['a bad signature → 401', { badSignature: true }, 401, 'SIGN_ERROR'],
    ['an unknown serial → 401', { serial: 'SOMEONEELSE' }, 401, 'SIGN_ERROR'],
    ['a timestamp 6 minutes old → 401', { timestamp: -360 }, 401, 'SIGN_ERROR'],
    ['a timestamp 6 minutes ahead → 401', { timestamp: 360 }, 401, 'SIGN_ERROR'],
    ['a tampered ciphertext (signed as sent) → 400', { tamperCiphertext: true }, 400, 'PARAM_ERROR'],
  ])('%s, nothing written', async (_name, opts, status, code) => {
    await wechatMember(w, 'o-refused')
    const before = await dbFingerprint(w.api.conn)
    const { timestamp, ...rest } = opts as { timestamp?: number }
    const at = timestamp === undefined ? undefined : Math.floor(w.api.clock.now().getTime() / 1000) + timestamp
    const n = w.pay.notification(
      'MALL_TRANSACTION.SUCCESS',
      {
        mchid: '1900000101',
        appid: w.api.wechat.appId,
        openid: 'o-refused',
        time_end: '2026-11-20T12:00:00+08:00',
        amount: 10_000,
        transaction_id: `4200R${Date.now()}`,
      },
      { ...rest, ...(at === undefined ? {} : { timestamp: at }) },
    )
    const res = await w.pay.deliver(w.paymentUrl, n)
    expect(res).toEqual({ status, body: { code, message: expect.any(String) } })
    expect(await dbFingerprint(w.api.conn)).toBe(before)
  })

  it('a replayed nonce → 401 and nothing written', async () => {
    await wechatMember(w, 'o-replay')
    const n = payment(w, '4200000000000000001', 'o-replay', 5_000)
    expect((await w.pay.deliver(w.paymentUrl, n)).status).toBe(204)
    const before = await dbFingerprint(w.api.conn)
    expect(await w.pay.deliver(w.paymentUrl, n)).toEqual({
      status: 401,
      body: { code: 'SIGN_ERROR', message: 'replayed nonce' },
    })
    expect(await dbFingerprint(w.api.conn)).toBe(before)
  })

  it('nonces are swept once their timestamps can no longer pass (10 minutes)', async () => {
    const { Nonce } = wechatPayModels(w.api.conn)
    const now = w.api.clock.now()
    await Nonce.collection.insertMany([
      { _id: 'old-nonce', at: new Date(now.getTime() - 11 * 60_000) },
      { _id: 'new-nonce', at: new Date(now.getTime() - 9 * 60_000) },
    ] as never)
    expect((await w.api.ctx.jobs.sweepWechatPay(now)).nonces).toBeGreaterThanOrEqual(1)
    expect(await Nonce.exists({ _id: 'old-nonce' })).toBeNull()
    expect(await Nonce.exists({ _id: 'new-nonce' })).toBeTruthy()
  })

  it('fields missing from the decrypted resource → 400 PARAM_ERROR', async () => {
    const n = w.pay.notification('MALL_TRANSACTION.SUCCESS', { mchid: '1900000101', openid: 'x' })
    expect((await w.pay.deliver(w.paymentUrl, n)).status).toBe(400)
  })
})

describe('a payment earns once, by the till rules, keyed by transaction_id', () => {
  it('15 copies at once → each answered 204 within 5 s, one posting, 微信支付 in the wallet history', async () => {
    const m = await wechatMember(w, 'o-dup')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000015'
    // WeChat waits 5 s for an answer, then counts the delivery failed: every copy is answered well within it.
    const timed = async () => {
      const started = Date.now()
      const res = await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-dup', 12_399))
      return { status: res.status, within5s: Date.now() - started < 5_000 }
    }
    const results = await Promise.all(Array.from({ length: 15 }, timed))
    expect(results).toEqual(Array(15).fill({ status: 204, within5s: true }))
    const postings = await entriesFor(w, `purchase:wx:${txn}`)
    expect(postings).toHaveLength(1)
    expect(postings[0]!.delta).toBe(123) // 1 point per whole yuan at tier 1, as at the till
    expect(await balanceOf(w.api, m)).toBe(start + 123)
    const history = await w.api.http.get('/api/me/wallet/entries?limit=1').set(bearer(m.accessToken))
    expect(history.body.items[0]).toMatchObject({
      delta: 123,
      channel: '微信支付',
      storeName: '微信门店',
      amountFen: 12_399,
    })
  })

  it('a refund before its payment is kept, then applied once the payment earns', async () => {
    const m = await wechatMember(w, 'o-early-refund')
    const start = await balanceOf(w.api, m)
    const txn = '4200000000000000020'
    expect(
      (await w.pay.deliver(w.paymentUrl, refund(w, txn, '5030000000000000020', 'o-early-refund', 20_000, 20_000)))
        .status,
    ).toBe(204)
    expect(await balanceOf(w.api, m)).toBe(start)
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-early-refund', 20_000))).status).toBe(204)
    expect(await entriesFor(w, `purchase:wx:${txn}`)).toHaveLength(1)
    expect(await entriesFor(w, 'refund:5030000000000000020')).toMatchObject([{ delta: -200 }])
    expect(await balanceOf(w.api, m)).toBe(start)
  })

  it('partial refunds take back their share (rounded down), each once however often repeated', async () => {
    const m = await wechatMember(w, 'o-partial')
    const txn = '4200000000000000030'
    await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-partial', 10_000)) // 100 points
    const afterPay = await balanceOf(w.api, m)
    const first = await Promise.all(
      Array.from({ length: 8 }, () =>
        w.pay.deliver(w.paymentUrl, refund(w, txn, '5030000000000000031', 'o-partial', 10_000, 3_333)),
      ),
    )
    expect(first.map((r) => r.status)).toEqual(Array(8).fill(204))
    await w.pay.deliver(w.paymentUrl, refund(w, txn, '5030000000000000032', 'o-partial', 10_000, 6_667))
    expect(await entriesFor(w, 'refund:5030000000000000031')).toMatchObject([{ delta: -33 }])
    expect(await entriesFor(w, 'refund:5030000000000000032')).toMatchObject([{ delta: -66 }])
    expect(await balanceOf(w.api, m)).toBe(afterPay - 99) // never more than the payment earned
  })
})

describe('cost', () => {
  it(
    'a new payment is 10 database calls, each by `_id` ' + '(no scans: FerretDB serves only those from an index)',
    async () => {
      await wechatMember(w, 'o-cost')
      await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000000070', 'o-cost', 1_000)) // warms the caches
      const n = payment(w, '4200000000000000071', 'o-cost', 12_000)
      const { result, calls } = await databaseCalls(() => w.pay.deliver(w.paymentUrl, n))
      expect(result.status).toBe(204)
      expect(calls).toEqual([
        'wxpay_nonces.insertOne',
        'wxpay_merchants.findOne',
        'member_identities.findOne',
        'purchase_keys.insertOne',
        'purchases.insertOne',
        'ledger_entries.insertOne',
        'kpi_ledger_facts.insertOne', // the dashboard's fact row beside the entry (modules/ledger/ledger-facts.ts)
        'kpi_purchase_facts.insertOne', // the posted purchase's, before its status (points/purchase-facts.ts)
        'purchases.updateOne',
        'wxpay_syncs.insertOne',
        'wxpay_refund_slots.findOne',
      ])
    },
  )
})

describe('authorisation (商圈会员积分服务授权)', () => {
  it('the member sees pay-to-earn on after WeChat notifies it, and off without', async () => {
    const m = await wechatMember(w, 'o-auth')
    const off = await w.api.http.get('/api/me/wechat-pay').set(bearer(m.accessToken))
    expect(off.body).toMatchObject({
      state: 'UNAUTHORIZED',
      enabled: false,
      pluginQuery: 'openid=o-auth&mch_id=1900000001&member_status=1',
    })
    const n = w.pay.notification('MALL_AUTH.ACTIVATE_CARD', {
      openid: 'o-auth',
      appid: w.api.wechat.appId,
      mchid: '1900000001',
      authorize_state: 'AUTHORIZED',
      authorize_time: '2026-11-20T12:00:00+08:00',
    })
    expect((await w.pay.deliver(w.authorizationUrl, n)).status).toBe(204)
    const on = await w.api.http.get('/api/me/wechat-pay').set(bearer(m.accessToken))
    expect(on.body).toMatchObject({ state: 'AUTHORIZED', enabled: true, since: '2026-11-20T04:00:00.000Z' })
  })

  it('without a notification, WeChat is asked (授权查询)', async () => {
    w.pay.setAuthorization('o-asked', 'AUTHORIZED')
    const m = await wechatMember(w, 'o-asked')
    const res = await w.api.http.get('/api/me/wechat-pay').set(bearer(m.accessToken))
    expect(res.body).toMatchObject({ state: 'AUTHORIZED', enabled: true })
  })
})
