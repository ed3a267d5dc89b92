import * as z from 'zod'

/**
 * WeChat Pay APIv3 智慧商圈 wire shapes (pay.weixin.qq.com, 智慧商圈: 商圈会员积分服务授权结果通知,
 * 商圈会员场内支付结果通知, 商圈会员场内退款通知) and our own routes around them. Unknown fields WeChat adds
 * later are kept (loose objects), missing required ones refuse the notification.
 */
const id32 = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)
const text = z.string().max(256)

/** The notification body WeChat POSTs: the business data is in `resource`, encrypted. */
export const wechatPayNotification = z.looseObject({
  id: z.string().min(1).max(64),
  create_time: z.string().max(64),
  event_type: z.string().max(64),
  resource_type: z.string().max(64),
  summary: z.string().max(128).optional(),
  resource: z.looseObject({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1).max(16_384),
    associated_data: z.string().max(256).optional(),
    original_type: z.string().max(64).optional(),
    nonce: z.string().min(1).max(64),
  }),
})
export type WechatPayNotification = z.infer<typeof wechatPayNotification>

/** What WeChat says of a 商圈 payment and of its refunds alike: merchant, shop, payer, transaction. */
const mallOrderFields = {
  mchid: id32,
  sub_mchid: id32.optional(),
  merchant_name: text.optional(),
  shop_name: text.optional(),
  shop_number: text.optional(),
  appid: z.string().max(64),
  openid: z.string().min(1).max(128),
  transaction_id: z.string().regex(/^[0-9A-Za-z]{1,32}$/),
  commit_tag: text.optional(),
}
const fenAmount = z.number().int().min(1).max(100_000_000_00)

/** 商圈会员场内支付结果通知, decrypted (event_type MALL_TRANSACTION.SUCCESS). `amount` is in fen. */
export const mallPaymentResource = z.looseObject({
  ...mallOrderFields,
  time_end: z.string().max(64),
  amount: fenAmount,
})
export type MallPaymentResource = z.infer<typeof mallPaymentResource>

/** 商圈会员场内退款通知, decrypted (event_type MALL_REFUND.SUCCESS). Amounts in fen. */
export const mallRefundResource = z.looseObject({
  ...mallOrderFields,
  refund_time: z.string().max(64),
  pay_amount: fenAmount,
  refund_amount: fenAmount,
  refund_id: z.string().regex(/^[0-9A-Za-z]{1,32}$/),
})
export type MallRefundResource = z.infer<typeof mallRefundResource>

export const authorizeState = z.enum(['UNAUTHORIZED', 'AUTHORIZED', 'DEAUTHORIZED'])
export type AuthorizeState = z.infer<typeof authorizeState>

/** 商圈会员积分服务授权结果通知, decrypted. */
export const mallAuthorizationResource = z.looseObject({
  openid: z.string().min(1).max(128),
  appid: z.string().max(64),
  mchid: id32,
  code: z.string().max(128).optional(),
  authorize_state: authorizeState,
  authorize_time: z.string().max(64),
})
export type MallAuthorizationResource = z.infer<typeof mallAuthorizationResource>

/** GET /api/me/wechat-pay: is pay-to-earn on for me. */
export const memberWechatPayStatus = z.object({
  state: authorizeState,
  enabled: z.boolean(),
  /** when WeChat last told us (or we asked) */
  since: z.string().nullable(),
  /** the mini-program plugin that turns it on (商圈会员快速积分; weapp navigates to plugin://<name>/index?…) */
  pluginAppId: z.string(),
  /** the plugin page's query (openid, mch_id, member_status); null for a member without WeChat */
  pluginQuery: z.string().nullable(),
})
export type MemberWechatPayStatus = z.infer<typeof memberWechatPayStatus>

/** A WeChat payment waiting for an operator: its merchant maps to no store, or its payer to no member. */
export const unmappedPayment = z.object({
  transactionId: z.string(),
  reason: z.enum(['unknown_merchant', 'unknown_member']),
  mchid: z.string(),
  merchantName: z.string().nullable(),
  shopName: z.string().nullable(),
  amountFen: z.number().int(),
  paidAt: z.string(),
  receivedAt: z.string(),
})
export const unmappedPaymentsPage = z.object({ items: z.array(unmappedPayment) })
export type UnmappedPaymentsPage = z.infer<typeof unmappedPaymentsPage>

export const mchid = z.string().regex(/^[0-9A-Za-z_-]{1,32}$/)
/**
 * PUT /api/ops/wechat-pay/merchants/:mchid — payments at this WeChat merchant earn at this store; `null`: the
 * merchant takes no part in the points programme (a bank counter, say), and WeChat is told each payment earned
 * nothing.
 */
export const wechatMerchantMappingRequest = z.strictObject({
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .nullable(),
})
export const wechatMerchantMapping = z.object({
  mchid: z.string(),
  storeId: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
})
export type WechatMerchantMapping = z.infer<typeof wechatMerchantMapping>

/** GET /api/ops/wechat-pay/syncs: points syncs WeChat has not accepted yet (oldest first). */
export const pendingPointsSync = z.object({
  transactionId: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAt: z.string(),
  createdAt: z.string(),
})
export const pendingPointsSyncsPage = z.object({ items: z.array(pendingPointsSync) })
export type PendingPointsSyncsPage = z.infer<typeof pendingPointsSyncsPage>

export const transactionId = z.string().regex(/^[0-9A-Za-z]{1,32}$/)
/** POST /api/ops/wechat-pay/unmapped/:transactionId/retry: earned now, or still queued (and why). */
export const queuedPaymentRetry = z.object({
  transactionId: z.string(),
  outcome: z.enum(['earned', 'queued']),
  reason: z.enum(['unknown_merchant', 'unknown_member']).nullable(),
})
export type QueuedPaymentRetry = z.infer<typeof queuedPaymentRetry>

/** GET /api/ops/wechat-pay/merchants: every WeChat merchant mapped to a store. */
export const wechatMerchantsPage = z.object({ items: z.array(wechatMerchantMapping) })
export type WechatMerchantsPage = z.infer<typeof wechatMerchantsPage>

/** POST /api/ops/wechat-pay/syncs/:transactionId/retry: sent now; accepted, refused again, or already done. */
export const pointsSyncRetry = z.object({
  transactionId: z.string(),
  outcome: z.enum(['accepted', 'failed', 'done', 'busy']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
})
export type PointsSyncRetry = z.infer<typeof pointsSyncRetry>
