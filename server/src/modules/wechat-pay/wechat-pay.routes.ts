import Router from '@koa/router'
import type { Context } from 'koa'
import { mchid, transactionId, wechatMerchantMappingRequest } from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { WechatPayOps } from './wechat-pay-ops'
import type { WechatPayParts } from './wechat-pay.module'
import { NotificationRefused } from './apiv3'
import type { NotificationEndpoint } from './wechat-pay.service'

export interface WechatPayRouteDeps extends CallerChecks {
  services: {
    wechatPay: WechatPayParts['service']
    wechatPaySyncs: WechatPayParts['sync']
    wechatPayOps: WechatPayOps
  }
}

/**
 * WeChat Pay 智慧商圈 callbacks (public: WeChat calls them; each is signature-checked before anything
 * else), the member's pay-to-earn status and the operator's queue and merchant mapping.
 * Callbacks answer 204, or WeChat's error JSON `{code, message}` with 400/401/500 (WeChat retries).
 */
export function wechatPayRoutes({ services, tokens, now }: WechatPayRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const operator = requireStaff(tokens, now, ['operator'])

  const notification = (endpoint: NotificationEndpoint) => async (ctx: Context) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? ''
    const headers = {
      timestamp: ctx.get('wechatpay-timestamp'),
      nonce: ctx.get('wechatpay-nonce'),
      signature: ctx.get('wechatpay-signature'),
      serial: ctx.get('wechatpay-serial'),
    }
    try {
      await services.wechatPay.accept(endpoint, headers, raw, now())
      ctx.status = 204
    } catch (err) {
      const refused =
        err instanceof NotificationRefused ? err : new NotificationRefused(500, 'FAIL', '系统繁忙，请稍后重试')
      if (refused.status === 500) ctx.state.log?.error({ err }, 'wechat pay notification failed')
      else ctx.state.log?.info({ code: refused.code, msg: refused.message }, 'wechat pay notification refused')
      ctx.status = refused.status
      ctx.body = { code: refused.code, message: refused.message }
    }
  }
  // 会员积分服务开通回调地址 and 用户消费回调地址 (payments and refunds share it, told apart by event_type).
  router.post('/wechat-pay/notify/authorization', notification('authorization'))
  router.post('/wechat-pay/notify/transaction', notification('transaction'))

  router.get('/me/wechat-pay', member, async (ctx) => {
    ctx.body = await services.wechatPay.status(ctx.state.memberId, now())
  })

  router.get('/ops/wechat-pay/unmapped', operator, async (ctx) => {
    ctx.body = await services.wechatPay.unmapped()
  })

  router.post('/ops/wechat-pay/unmapped/:transactionId/retry', operator, async (ctx) => {
    const txn = parseParam(transactionId, ctx.params.transactionId)
    ctx.body = await services.wechatPay.retryQueued(txn, now())
  })

  router.get('/ops/wechat-pay/syncs', operator, async (ctx) => {
    ctx.body = await services.wechatPaySyncs.pending()
  })

  router.post('/ops/wechat-pay/syncs/:transactionId/retry', operator, async (ctx) => {
    const txn = parseParam(transactionId, ctx.params.transactionId)
    ctx.body = await services.wechatPaySyncs.retryNow(txn, now())
  })

  router.get('/ops/wechat-pay/merchants', operator, async (ctx) => {
    ctx.body = await services.wechatPayOps.merchants()
  })

  router.put('/ops/wechat-pay/merchants/:mchid', operator, async (ctx) => {
    const id = parseParam(mchid, ctx.params.mchid)
    const body = parseBody(ctx, wechatMerchantMappingRequest)
    ctx.body = await services.wechatPay.mapMerchant(id, body.storeId, ctx.state.staff.sub, now())
  })

  return router
}
