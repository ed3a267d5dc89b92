import { bearer } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'
import { payment, startPayWorld, STORE_MCHID, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'

/**
 * The console's side of the earn channels over HTTP: the merchant → store list, a failing points sync
 * retried by an operator (sent once under a race), and the dashboard's channel mix (sales and points by
 * 门店扫码 / 微信支付 / 服务台补登).
 */
jest.setTimeout(90_000)

let w: PayWorld
beforeAll(async () => {
  w = await startPayWorld()
  await w.api.addStore('DESK', '服务台')
})
afterAll(() => w.api.stop())

const ops = (path: string) => w.api.http.get(path).set(bearer(w.operator))
const today = () => new Date(w.api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10)

it('lists the mapped merchants with their store', async () => {
  const res = await ops('/api/ops/wechat-pay/merchants')
  expect(res.status).toBe(200)
  expect(res.body.items).toEqual([expect.objectContaining({ mchid: STORE_MCHID, storeId: 'WX1' })])
})

it('an operator retries a failing sync: 20 retries at once send one attempt, WeChat accepts it', async () => {
  await wechatMember(w, 'o-console-sync')
  w.pay.failNextSyncs(1, 500, 'SYSTEM_ERROR')
  expect((await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000080001', 'o-console-sync', 10_00))).status).toBe(
    204,
  )
  await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())
  const pending = (await ops('/api/ops/wechat-pay/syncs')).body.items
  expect(pending).toEqual([
    expect.objectContaining({ transactionId: '4200000000000080001', attempts: 1, lastError: 'SYSTEM_ERROR' }),
  ])
  const calls = w.pay.syncCalls.length
  const retries = await Promise.all(
    Array.from({ length: 20 }, () =>
      w.api.http.post('/api/ops/wechat-pay/syncs/4200000000000080001/retry').set(bearer(w.operator)).send({}),
    ),
  )
  expect(retries.every((r) => r.status === 200)).toBe(true)
  expect(retries.filter((r) => r.body.outcome === 'accepted')).toHaveLength(1)
  expect(w.pay.syncCalls.length - calls).toBe(1)
  expect((await ops('/api/ops/wechat-pay/syncs')).body.items).toEqual([])
  const again = await w.api.http
    .post('/api/ops/wechat-pay/syncs/4200000000000080001/retry')
    .set(bearer(w.operator))
    .send({})
  expect(again.body).toMatchObject({ outcome: 'done', attempts: 2, lastError: null })
  const unknown = await w.api.http.post('/api/ops/wechat-pay/syncs/4200000000000089999/retry').set(bearer(w.operator))
  expect(unknown.status).toBe(404)
})

it('channel mix: posted purchases by channel, with sales and points, filtered by store', async () => {
  const before = (await ops(`/api/ops/channel-mix?from=${today()}&to=${today()}`)).body
  const m = await wechatMember(w, 'o-console-mix')
  expect((await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000080002', 'o-console-mix', 300_00))).status).toBe(
    204,
  )
  const clerk = (await w.api.loginStaff('mix-clerk', 'clerk', 'WX1')).accessToken
  const till = await award(w.api, clerk, {
    scanToken: await scan(w.api, m, clerk),
    receiptNo: 'MIX-1',
    amountFen: 50_00,
  })
  expect(till.status).toBe(200)
  const desk = (await w.api.loginStaff('mix-desk', 'clerk', 'DESK')).accessToken
  const filed = await w.api.http
    .post('/api/me/points-claims')
    .set(bearer(m.accessToken))
    .send({ storeId: 'WX1', purchasedAt: w.api.clock.now().toISOString(), amountFen: 20_00, receiptNo: 'MIX-2' })
  const approved = await w.api.http
    .post(`/api/desk/points-claims/${encodeURIComponent(filed.body.claim.claimId)}/approve`)
    .set(bearer(desk))
    .send({ amountFen: 20_00 })
  expect(approved.status).toBe(200)

  const res = await ops(`/api/ops/channel-mix?from=${today()}&to=${today()}&storeId=WX1`)
  expect(res.status).toBe(200)
  const byChannel = (c: string, body = res.body) =>
    body.rows.find((r: { channel: string }) => r.channel === c) ?? { purchases: 0, salesFen: 0, points: 0 }
  expect(res.body.rows.map((r: { label: string }) => r.label)).toEqual([
    '门店扫码',
    '微信支付',
    '小票拍照',
    '服务台补登',
  ])
  const grew = (c: string) => ({
    purchases: byChannel(c).purchases - byChannel(c, before).purchases,
    salesFen: byChannel(c).salesFen - byChannel(c, before).salesFen,
    points: byChannel(c).points - byChannel(c, before).points,
  })
  expect(grew('wechat_pay')).toEqual({ purchases: 1, salesFen: 300_00, points: 300 })
  expect(grew('till')).toEqual({ purchases: 1, salesFen: 50_00, points: 50 })
  expect(grew('service_desk')).toEqual({ purchases: 1, salesFen: 20_00, points: 20 })
  const other = await ops(`/api/ops/channel-mix?from=${today()}&to=${today()}&storeId=NOPE`)
  expect(other.body.totals).toEqual({ purchases: 0, salesFen: 0, points: 0 })
  expect((await ops(`/api/ops/channel-mix?from=${today()}&to=2000-01-01`)).status).toBe(400)
})
