import Router from '@koa/router'
import type { Context } from 'koa'
import {
  addressIdParam,
  addressInput,
  emptyBody,
  giftIdParam,
  giftImageUpload,
  giftInput,
  giftUpdate,
  operatorCancelRequest,
  pickupCodeRequest,
  redeemGiftRequest,
  redemptionIdParam,
  redemptionListQuery,
  shipRequest,
} from '@mall/shared'
import * as z from 'zod'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { jsonBody } from '../../http/body'
import { idempotent } from '../../http/idempotency'
import { mountConfig } from '../../http/mount-config'
import { byMember, byStaff, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { PointsMallParts } from './points-mall.module'

/** Room for a 2 MB picture as a base64 data URL; only the upload route takes it (see app.ts). */
export const GIFT_IMAGE_BODY_LIMIT = '2900kb'
export const GIFT_IMAGE_UPLOAD_PATH = '/api/ops/mall/images'
const imageIdParam = z.string().regex(/^[0-9a-f]{32}$/)

export interface PointsMallRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: { pointsMall: PointsMallParts }
}

/** The points mall (积分商城): catalogue, redemption, pickup at the desk, delivery, the console's side. */
export function pointsMallRoutes({ services, tokens, now, limits, conn }: PointsMallRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const deskStaff = requireStaff(tokens, now, ['clerk', 'manager'])
  const operator = requireStaff(tokens, now, ['operator'])
  const redeemLimit = rateLimit('gift-redeem', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })
  const scanLimit = rateLimit('pickup-scan', { max: limits.scanPerMinute, windowMs: 60_000, id: byStaff })
  const { giftCatalogue, giftRedemptions, giftFulfilment, giftImages, addressBook } = services.pointsMall
  const redemptionId = (ctx: Context) => parseParam(redemptionIdParam, ctx.params.id)

  router.get('/mall/gifts', member, async (ctx) => {
    ctx.body = await giftCatalogue.catalogue(ctx.state.memberId, now())
  })
  router.get('/mall/gifts/:giftId', member, async (ctx) => {
    ctx.body = await giftCatalogue.detail(ctx.state.memberId, parseParam(giftIdParam, ctx.params.giftId), now())
  })
  router.post('/mall/gifts/:giftId/redeem', member, redeemLimit, idempotent(conn, { required: false }), async (ctx) => {
    const giftId = parseParam(giftIdParam, ctx.params.giftId)
    ctx.body = await giftRedemptions.redeem(ctx.state.memberId, giftId, parseBody(ctx, redeemGiftRequest), now())
  })
  // Pictures are catalogue content under unguessable ids: the mini-program's <Image> sends no token.
  for (const [suffix, size] of [
    ['', 'full'],
    ['/thumb', 'thumb'],
  ] as const) {
    router.get(`/mall/images/:imageId${suffix}`, async (ctx) => {
      const image = await giftImages.read(parseParam(imageIdParam, ctx.params.imageId), size)
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable')
      ctx.type = image.mime
      ctx.body = image.data
    })
  }

  router.get('/me/mall/redemptions', member, async (ctx) => {
    const q = parseQuery(ctx, redemptionListQuery)
    ctx.body = { items: await giftFulfilment.mine(ctx.state.memberId, q.status) }
  })
  router.get('/me/mall/redemptions/:id', member, async (ctx) => {
    ctx.body = await giftFulfilment.mineOne(ctx.state.memberId, redemptionId(ctx))
  })
  router.get('/me/mall/redemptions/:id/pickup-code', member, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await giftFulfilment.pickupCode(ctx.state.memberId, redemptionId(ctx), now())
  })
  router.post('/me/mall/redemptions/:id/cancel', member, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await giftFulfilment.cancelByMember(ctx.state.memberId, redemptionId(ctx), now())
  })

  router.get('/me/addresses', member, async (ctx) => {
    ctx.body = { items: await addressBook.list(ctx.state.memberId) }
  })
  router.post('/me/addresses', member, redeemLimit, async (ctx) => {
    ctx.status = 201
    ctx.body = await addressBook.add(ctx.state.memberId, parseBody(ctx, addressInput), now())
  })
  router.post('/me/addresses/:addressId/delete', member, async (ctx) => {
    parseBody(ctx, emptyBody)
    await addressBook.remove(ctx.state.memberId, parseParam(addressIdParam, ctx.params.addressId))
    ctx.body = { ok: true }
  })

  router.post('/staff/mall/pickups/preview', deskStaff, scanLimit, async (ctx) => {
    ctx.body = await giftFulfilment.previewPickup(parseBody(ctx, pickupCodeRequest).code, now())
  })
  router.post('/staff/mall/pickups', deskStaff, scanLimit, async (ctx) => {
    ctx.body = await giftFulfilment.pickUp(ctx.state.staff, parseBody(ctx, pickupCodeRequest).code, now())
  })

  mountConfig(
    router,
    'ops/mall/gifts',
    operator,
    giftCatalogue,
    { id: giftIdParam, create: giftInput, update: giftUpdate },
    now,
  )
  // The body is parsed only after the operator is known (the app-wide parser skips this route, see app.ts).
  router.post('/ops/mall/images', operator, jsonBody(GIFT_IMAGE_BODY_LIMIT), async (ctx) => {
    const { dataUrl } = parseBody(ctx, giftImageUpload)
    ctx.status = 201
    ctx.body = await giftImages.upload(dataUrl, ctx.state.staff.sub, now())
  })
  router.get('/ops/mall/redemptions', operator, async (ctx) => {
    ctx.body = { items: await giftFulfilment.queue(parseQuery(ctx, redemptionListQuery).status) }
  })
  router.post('/ops/mall/redemptions/:id/ship', operator, async (ctx) => {
    ctx.body = await giftFulfilment.ship(ctx.state.staff.sub, redemptionId(ctx), parseBody(ctx, shipRequest), now())
  })
  router.post('/ops/mall/redemptions/:id/cancel', operator, async (ctx) => {
    parseBody(ctx, operatorCancelRequest)
    ctx.body = await giftFulfilment.cancelByOperator(ctx.state.staff.sub, redemptionId(ctx), now())
  })
  return router
}
