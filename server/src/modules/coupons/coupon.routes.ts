import Router from '@koa/router'
import * as z from 'zod'
import {
  couponCodeRequest,
  couponTemplateEditRequest,
  couponTemplateInput,
  couponTemplateStatusRequest,
  emptyBody,
  myCouponsQuery,
} from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { answer, idempotent } from '../../http/idempotency'
import { byMember, byStaff, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { CouponClaimService } from './claim.service'
import type { CouponRedemptionService } from './coupon-redemption.service'
import type { CouponTemplateAdminService } from './template-admin.service'
import type { CouponCatalogService } from './coupon-catalog.service'

const templateIdParam = z.string().regex(/^[0-9]{6}$/)
const couponIdParam = z.string().regex(/^[0-9]{6}#[0-9]{1,7}$/)

export interface CouponRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: {
    couponCatalog: CouponCatalogService
    couponClaims: CouponClaimService
    couponRedemptions: CouponRedemptionService
    couponTemplateAdmin: CouponTemplateAdminService
  }
}

export function couponRoutes({ services, tokens, now, limits, conn }: CouponRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const storeStaff = requireStaff(tokens, now, ['clerk', 'manager'])
  const anyStaff = requireStaff(tokens, now, ['clerk', 'manager', 'operator'])
  const operator = requireStaff(tokens, now, ['operator'])
  const claimLimit = rateLimit('claim', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })
  const scanLimit = rateLimit('coupon-scan', { max: limits.scanPerMinute, windowMs: 60_000, id: byStaff })

  router.get('/coupons', member, async (ctx) => {
    ctx.body = { items: await services.couponCatalog.claimable(ctx.state.memberId, now()) }
  })

  router.post('/coupons/:templateId/claim', member, claimLimit, idempotent(conn, { required: false }), async (ctx) => {
    const templateId = parseParam(templateIdParam, ctx.params.templateId)
    parseBody(ctx, emptyBody)
    ctx.body = await services.couponClaims.claimForMember(ctx.state.memberId, templateId, now(), ctx.state.operationKey)
  })

  router.get('/me/coupons', member, async (ctx) => {
    const q = parseQuery(ctx, myCouponsQuery)
    ctx.body = { items: await services.couponCatalog.myCoupons(ctx.state.memberId, q.status, now()) }
  })

  router.get('/me/coupons/:couponId/code', member, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await services.couponRedemptions.code(
      ctx.state.memberId,
      parseParam(couponIdParam, ctx.params.couponId),
      now(),
    )
  })

  router.post('/staff/coupons/preview', anyStaff, scanLimit, async (ctx) => {
    ctx.body = await services.couponRedemptions.preview(ctx.state.staff, parseBody(ctx, couponCodeRequest).code, now())
  })

  router.post('/staff/coupons/redeem', storeStaff, scanLimit, async (ctx) => {
    answer(ctx, await services.couponRedemptions.redeem(ctx.state.staff, parseBody(ctx, couponCodeRequest).code, now()))
  })

  router.post('/staff/coupons/:couponId/undo', anyStaff, scanLimit, async (ctx) => {
    parseBody(ctx, emptyBody)
    answer(
      ctx,
      await services.couponRedemptions.undo(ctx.state.staff, parseParam(couponIdParam, ctx.params.couponId), now()),
    )
  })

  router.get('/ops/coupon-templates', operator, async (ctx) => {
    ctx.body = { items: await services.couponCatalog.listTemplates() }
  })

  router.get('/ops/coupon-templates/overview', operator, async (ctx) => {
    ctx.body = { items: await services.couponTemplateAdmin.overview() }
  })

  router.put('/ops/coupon-templates/:templateId', operator, async (ctx) => {
    const templateId = parseParam(templateIdParam, ctx.params.templateId)
    const body = parseBody(ctx, couponTemplateEditRequest)
    ctx.body = await services.couponTemplateAdmin.edit(templateId, body, ctx.state.staff.sub, now())
  })

  router.post('/ops/coupon-templates', operator, async (ctx) => {
    const input = parseBody(ctx, couponTemplateInput)
    ctx.status = 201
    ctx.body = await services.couponTemplateAdmin.create(input, ctx.state.staff.sub, now())
  })

  router.post('/ops/coupon-templates/:templateId/status', operator, async (ctx) => {
    const templateId = parseParam(templateIdParam, ctx.params.templateId)
    const body = parseBody(ctx, couponTemplateStatusRequest)
    ctx.body = {
      ok: true,
      ...(await services.couponTemplateAdmin.setStatus(templateId, body, ctx.state.staff.sub, now())),
    }
  })

  router.get('/ops/coupon-templates/:templateId/history', operator, async (ctx) => {
    ctx.body = { items: await services.couponTemplateAdmin.history(parseParam(templateIdParam, ctx.params.templateId)) }
  })

  return router
}
