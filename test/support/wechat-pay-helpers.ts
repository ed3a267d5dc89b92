import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'
import { withoutMemberDay } from './points-helpers'
import { startWechatPayStub, type WechatPayStub } from './wechat-pay-stub'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import type { PurchaseDoc } from '../../server/src/modules/points/purchase.model'
import { purchaseDoc, type RecordPurchaseInput } from '../../server/src/modules/points/purchase-record'

export const STORE_MCHID = '1900000101'

export interface PayWorld {
  api: TestApi
  pay: WechatPayStub
  operator: string
  paymentUrl: string
  authorizationUrl: string
}

/** The server with the WeChat Pay stub's keys, store WX1 mapped to merchant STORE_MCHID, member day off. */
export async function startPayWorld(overrides: Record<string, string> = {}): Promise<PayWorld> {
  // The stub's clock reads the server's, which starts after the stub: `let`, read through a check.
  // eslint-disable-next-line prefer-const
  let api: TestApi | undefined
  const pay = await startWechatPayStub(() => (api ? api.clock.now() : new Date()))
  api = await startTestApi({ ...pay.env(), ...overrides })
  await withoutMemberDay(api)
  await api.addStore('WX1', '微信门店')
  const operator = (await api.loginStaff('wxpay-operator', 'operator', null)).accessToken
  const mapped = await api.http
    .put(`/api/ops/wechat-pay/merchants/${STORE_MCHID}`)
    .set(bearer(operator))
    .send({ storeId: 'WX1' })
  if (mapped.status !== 200) throw new Error(`mapping: ${mapped.status} ${JSON.stringify(mapped.body)}`)
  const stop = api.stop.bind(api)
  api.stop = async () => {
    await stop()
    await pay.close()
  }
  return {
    api,
    pay,
    operator,
    paymentUrl: `${api.url}/api/wechat-pay/notify/transaction`,
    authorizationUrl: `${api.url}/api/wechat-pay/notify/authorization`,
  }
}

/** A member who logged in through WeChat (so their openid is known). */
export async function wechatMember(w: PayWorld, openid: string): Promise<MemberLoginResponse> {
  const res = await w.api.http.post('/api/auth/wechat-login').send({ code: w.api.wechat.loginCode({ openid }) })
  if (res.status !== 200) throw new Error(`wechat-login: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

const rfc3339 = (at: Date) => `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`

export function payment(w: PayWorld, txn: string, openid: string, amountFen: number, mchid = STORE_MCHID) {
  return w.pay.notification('MALL_TRANSACTION.SUCCESS', {
    mchid,
    merchant_name: '微信门店',
    shop_name: '一楼',
    shop_number: 'S-1',
    appid: w.api.wechat.appId,
    openid,
    time_end: rfc3339(w.api.clock.now()),
    amount: amountFen,
    transaction_id: txn,
    commit_tag: 'tag',
  })
}

export function refund(w: PayWorld, txn: string, refundId: string, openid: string, payFen: number, refundFen: number) {
  return w.pay.notification('MALL_REFUND.SUCCESS', {
    mchid: STORE_MCHID,
    merchant_name: '微信门店',
    shop_name: '一楼',
    shop_number: 'S-1',
    appid: w.api.wechat.appId,
    openid,
    refund_time: rfc3339(w.api.clock.now()),
    pay_amount: payFen,
    refund_amount: refundFen,
    transaction_id: txn,
    refund_id: refundId,
  })
}

/**
 * The purchase row a channel's report leaves when its process dies before posting it: the row recordPurchase
 * writes (status 'posting', no points, no entry), built by the server's own purchaseDoc so it cannot drift.
 */
export function crashedPurchaseRow(report: Omit<RecordPurchaseInput, 'status' | 'expectedPoints'>): PurchaseDoc {
  return purchaseDoc({ ...report, status: 'posting' })
}

/** Ledger entries posted under an event key (one posting = exactly one). */
export async function entriesFor(
  w: PayWorld,
  eventKey: string,
): Promise<{ delta: number; meta: Record<string, unknown> }[]> {
  return ledgerModels(w.api.conn)
    .Entry.find({ eventKey })
    .lean<{ delta: number; meta: Record<string, unknown> }[]>()
    .exec()
}
