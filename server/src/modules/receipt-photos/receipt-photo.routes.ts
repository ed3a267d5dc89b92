import Router from '@koa/router'
import type { Context, Next } from 'koa'
import {
  RECEIPT_PHOTO_BODY_LIMIT_BYTES,
  receiptApproveRequest,
  receiptPhotoRulesRequest,
  receiptPhotoSubmitRequest,
  receiptPhotoUploadRequest,
  receiptQueueQuery,
  receiptRejectRequest,
  receiptSlaQuery,
  receiptSubmissionId,
  receiptUndoRequest,
} from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { jsonBody } from '../../http/body'
import { idempotent } from '../../http/idempotency'
import { byMember, byStaff, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import { DomainError } from '../../errors/domain-error'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { ReceiptPhotoParts } from './receipt-photo.module'
import { refuseIfFrozen, type MemberService } from '../members/member.service'

/** The one route that takes a photo; the app-wide parser skips it (app.ts), it parses after authentication. */
export const RECEIPT_UPLOAD_ROUTE = 'POST /api/me/receipt-photos/uploads'

const sendPhoto = (ctx: Context, photo: { mime: string; data: Buffer }) => {
  ctx.set('Cache-Control', 'private, no-store')
  ctx.type = photo.mime
  ctx.body = photo.data
}

/** The service desk's store: its staff review receipts, as do mall-level accounts (no store) and operators. */
const DESK_STORE_ID = 'DESK'

/** Review is the service desk's; a store's own staff get 403. */
const deskOnly = async (ctx: Context, next: Next) => {
  const staff = ctx.state.staff as { role: string; storeId: string | null }
  if (staff.role !== 'operator' && staff.storeId !== null && staff.storeId !== DESK_STORE_ID)
    throw new DomainError('AUTH.FORBIDDEN', 'receipt review is for the service desk')
  await next()
}

export interface ReceiptPhotoRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: {
    receiptPhotos: ReceiptPhotoParts['service']
    receiptReview: ReceiptPhotoParts['review']
    receiptPhotoRules: ReceiptPhotoParts['rules']
    members: MemberService
  }
}

export function receiptPhotoRoutes({ services, tokens, now, limits, conn }: ReceiptPhotoRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const desk = [requireStaff(tokens, now, ['clerk', 'manager', 'operator']), deskOnly]
  const operator = requireStaff(tokens, now, ['operator'])
  const memberLimit = rateLimit('receipt-photos', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })
  const deskLimit = rateLimit('receipt-review', { max: limits.scanPerMinute, windowMs: 60_000, id: byStaff })
  const id = (ctx: Context) => parseParam(receiptSubmissionId, ctx.params.id)
  const { receiptPhotos, receiptReview, receiptPhotoRules } = services

  router.post(
    '/me/receipt-photos/uploads',
    member,
    memberLimit,
    jsonBody(`${RECEIPT_PHOTO_BODY_LIMIT_BYTES}b`),
    async (ctx) => {
      const body = parseBody(ctx, receiptPhotoUploadRequest)
      ctx.status = 201
      ctx.body = await receiptPhotos.upload(ctx.state.memberId, body.photo, now())
    },
  )

  router.post('/me/receipt-photos', member, memberLimit, idempotent(conn, { required: true }), async (ctx) => {
    refuseIfFrozen(await services.members.getForDisplay(ctx.state.memberId)) // a frozen member earns nothing
    const body = parseBody(ctx, receiptPhotoSubmitRequest)
    ctx.status = 201
    ctx.body = await receiptPhotos.submit(ctx.state.memberId, body, now())
  })

  router.get('/me/receipt-photos/stores', member, async (ctx) => {
    ctx.body = { items: await receiptPhotos.stores() }
  })

  router.get('/me/receipt-photos', member, async (ctx) => {
    ctx.body = { items: await receiptPhotos.mine(ctx.state.memberId) }
  })

  router.get('/me/receipt-photos/:id/photo', member, async (ctx) => {
    sendPhoto(ctx, await receiptPhotos.photo(id(ctx), ctx.state.memberId))
  })

  router.get('/staff/receipt-photos', ...desk, async (ctx) => {
    ctx.body = await receiptReview.queue(parseQuery(ctx, receiptQueueQuery))
  })

  router.get('/staff/receipt-photos/:id', ...desk, async (ctx) => {
    ctx.body = await receiptReview.detail(id(ctx))
  })

  router.get('/staff/receipt-photos/:id/photo', ...desk, async (ctx) => {
    sendPhoto(ctx, await receiptPhotos.photo(id(ctx), null))
  })

  router.post('/staff/receipt-photos/:id/approve', ...desk, deskLimit, async (ctx) => {
    const body = parseBody(ctx, receiptApproveRequest)
    ctx.body = await receiptReview.decide(id(ctx), ctx.state.staff.sub, { action: 'approve', ...body }, now())
  })

  router.post('/staff/receipt-photos/:id/reject', ...desk, deskLimit, async (ctx) => {
    const body = parseBody(ctx, receiptRejectRequest)
    ctx.body = await receiptReview.decide(id(ctx), ctx.state.staff.sub, { action: 'reject', ...body }, now())
  })

  router.post('/staff/receipt-photos/:id/undo', ...desk, deskLimit, async (ctx) => {
    parseBody(ctx, receiptUndoRequest)
    ctx.body = await receiptReview.decide(id(ctx), ctx.state.staff.sub, { action: 'undo' }, now())
  })

  router.get('/ops/receipt-photos/rules', operator, async (ctx) => {
    ctx.body = await receiptPhotoRules.current()
  })

  router.put('/ops/receipt-photos/rules', operator, async (ctx) => {
    const { version, note, ...rules } = parseBody(ctx, receiptPhotoRulesRequest)
    ctx.body = await receiptPhotoRules.change(rules, version, { changedBy: ctx.state.staff.sub, at: now(), note })
  })

  router.get('/ops/receipt-photos/rules/history', operator, async (ctx) => {
    ctx.body = { items: await receiptPhotoRules.history() }
  })

  router.get('/ops/receipt-photos/sla', operator, async (ctx) => {
    const q = parseQuery(ctx, receiptSlaQuery)
    ctx.body = await receiptReview.sla(q.from, q.to, now())
  })

  return router
}
