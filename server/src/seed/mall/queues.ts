import { shanghaiDay, wechatTime, type MallPaymentResource } from '@mall/shared'
import type { AppContext } from '../../app-context'
import type { StoreDoc } from '../../modules/stores/store.model'
import { submitDemoReceipts, type UploadedReceipt } from './queue-photos'

const MINUTE = 60_000
/** Stores M001… whose WeChat Pay merchant the operator has mapped: most of them, as in a mall a while live. */
const MAPPED_STORES = 70
/** A bank's counter in the mall pays by WeChat too, but its customers earn nothing (商户关联: 不参与积分). */
const BANK_COUNTER_MCHID = '1900008721'
/** A store that opened this week: its payments wait in 待关联 until the operator maps its merchant. */
const NEW_MERCHANT = { mchid: '1688802235', merchant_name: '茶颜悦色（新入驻）', shop_name: 'L2 快闪店' }

export interface QueueMember {
  id: string
  openid: string | null
}

/** The 10-digit 微信支付商户号 of the n-th mall store (deterministic, distinct). */
export const demoMchid = (n: number) => String(1_610_000_000 + n * 104_729)

/**
 * Work the console and the service desk find waiting on the first start, written by the services with the
 * demo's clock as production would write it: merchant mappings (one merchant outside the programme), payments
 * of a merchant nobody has mapped yet (待关联), receipt photos waiting for review (one a retake of another,
 * flagged as a near-duplicate) and 积分补登 claims. Nothing here posts points: the replay check is untouched.
 */
export async function seedMallQueues(
  ctx: AppContext,
  members: QueueMember[],
  stores: StoreDoc[],
  photos: UploadedReceipt[],
  now: Date,
): Promise<Record<string, number>> {
  const [pending, wechat, claims] = await Promise.all([
    submitDemoReceipts(ctx, photos),
    seedWechatPay(ctx, members, stores, now),
    seedPointsClaims(ctx, members.slice(-60, -40), stores, now),
  ])
  return { ...wechat, receiptPhotosPending: pending, claims }
}

/** Merchant mappings, the bank counter's payment (earns nothing, synced so) and the newcomer's 待关联 payments. */
async function seedWechatPay(ctx: AppContext, members: QueueMember[], stores: StoreDoc[], now: Date) {
  const { services } = ctx
  const mapped = stores.slice(0, MAPPED_STORES)
  // Mapped over a few weeks when 商圈 went live, about a third into the demo year (plan.ts), a store a day or so.
  const mappedAt = (n: number) => new Date(now.getTime() - (250 - n / 2) * 1440 * MINUTE + (n % 7) * 53 * MINUTE)
  for (const [n, store] of mapped.entries())
    await services.wechatPay.mapMerchant(demoMchid(n + 1), store._id, 'operator', mappedAt(n))
  await services.wechatPay.mapMerchant(BANK_COUNTER_MCHID, null, 'operator', mappedAt(mapped.length))

  // The latest members with WeChat identities pay: one at the bank counter, two at the unmapped newcomer.
  const payers = members.filter((m) => m.openid).slice(-3)
  const txn = (k: number) => `4200${shanghaiDay(now).replace(/-/g, '')}99${String(k).padStart(14, '0')}`
  const payment = (k: number, openid: string, amountFen: number, paidAt: Date): MallPaymentResource => ({
    ...NEW_MERCHANT,
    appid: ctx.config.wechat.appId,
    openid,
    transaction_id: txn(k),
    time_end: wechatTime(paidAt),
    amount: amountFen,
  })
  // WeChat notifies a minute or so after the payment.
  const notify = (p: MallPaymentResource, paidAt: Date) =>
    services.wechatPay.paid(p, new Date(paidAt.getTime() + MINUTE))
  let unmapped = 0
  if (payers.length === 3) {
    const [atBank, first, second] = payers as [QueueMember, QueueMember, QueueMember]
    const bank = { mchid: BANK_COUNTER_MCHID, merchant_name: '中国银行', shop_name: 'L1 自助银行网点' }
    const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE)
    await notify({ ...payment(1, atBank.openid!, 200_00, ago(190)), ...bank }, ago(190))
    if ((await notify(payment(2, first.openid!, 32_00, ago(150)), ago(150))) === 'queued') unmapped++
    if ((await notify(payment(3, second.openid!, 58_00, ago(75)), ago(75))) === 'queued') unmapped++
  }
  return { merchantsMapped: mapped.length + 1, paymentsUnmapped: unmapped }
}

/** 积分补登: members whose till scan failed last week ask the desk; each filed as the member's page files it. */
async function seedPointsClaims(ctx: AppContext, members: QueueMember[], stores: StoreDoc[], now: Date) {
  const asks = [
    { daysAgo: 2, amountFen: 268_00, receipt: true, category: '餐饮' },
    { daysAgo: 5, amountFen: 1_280_00, receipt: true, category: '服饰' },
    { daysAgo: 9, amountFen: 86_50, receipt: false, category: '超市' },
  ]
  let filed = 0
  for (const [k, ask] of asks.entries()) {
    const member = members[k]
    const store = stores.filter((s) => s.category === ask.category)[1] ?? stores[k]
    if (!member || !store) break
    const purchasedAt = new Date(now.getTime() - ask.daysAgo * 1440 * MINUTE - (k + 3) * 60 * MINUTE)
    const receiptNo = `R${shanghaiDay(purchasedAt).replace(/-/g, '').slice(2)}77${String(k + 1).padStart(5, '0')}`
    const answer = await ctx.services.pointsClaims.file(
      member.id,
      {
        storeId: store._id,
        purchasedAt: purchasedAt.toISOString(),
        amountFen: ask.amountFen,
        ...(ask.receipt ? { receiptNo } : {}),
      },
      new Date(purchasedAt.getTime() + 26 * 60 * MINUTE),
    )
    if (answer.claim) filed++
  }
  return filed
}
