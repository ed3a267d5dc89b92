import Router from '@koa/router'
import type { Context } from 'koa'
import {
  feedbackAssignRequest,
  feedbackCloseRequest,
  feedbackFollowUpRequest,
  feedbackListQuery,
  feedbackReplyRequest,
  feedbackSubmitRequest,
  feedbackTicketId,
} from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { jsonBody } from '../../http/body'
import { idempotent } from '../../http/idempotency'
import { byMember, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { FeedbackService } from './feedback.service'

/** Room for a 300 KB photo as a base64 data URL plus the text; only this route takes it. */
export const FEEDBACK_BODY_LIMIT = '450kb'

const sendPhoto = (ctx: Context, photo: { mime: string; data: Buffer }) => {
  ctx.set('Cache-Control', 'private, no-store')
  ctx.type = photo.mime
  ctx.body = photo.data
}

export interface FeedbackRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: { feedback: FeedbackService }
}

export function feedbackRoutes({ services, tokens, now, limits, conn }: FeedbackRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const operator = requireStaff(tokens, now, ['operator'])
  const limit = rateLimit('feedback', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })
  const id = (ctx: Context) => parseParam(feedbackTicketId, ctx.params.id)
  const feedback = services.feedback

  // The body is parsed only after the member is known (the app-wide parser skips this route, see app.ts).
  router.post(
    '/me/feedback',
    member,
    limit,
    jsonBody(FEEDBACK_BODY_LIMIT),
    idempotent(conn, { required: true }),
    async (ctx) => {
      const body = parseBody(ctx, feedbackSubmitRequest)
      ctx.status = 201
      ctx.body = await feedback.submit(ctx.state.memberId, body, now())
    },
  )

  router.get('/me/feedback', member, async (ctx) => {
    ctx.body = { items: await feedback.mine(ctx.state.memberId) }
  })

  router.get('/me/feedback/:id', member, async (ctx) => {
    ctx.body = await feedback.mineOne(ctx.state.memberId, id(ctx))
  })

  router.get('/me/feedback/:id/photo', member, async (ctx) => {
    sendPhoto(ctx, await feedback.photo(id(ctx), ctx.state.memberId))
  })

  router.post('/me/feedback/:id/follow-up', member, limit, async (ctx) => {
    const body = parseBody(ctx, feedbackFollowUpRequest)
    ctx.body = await feedback.followUp(ctx.state.memberId, id(ctx), body.text, now())
  })

  router.get('/ops/feedback', operator, async (ctx) => {
    ctx.body = await feedback.list(parseQuery(ctx, feedbackListQuery))
  })

  router.get('/ops/feedback/:id', operator, async (ctx) => {
    ctx.body = await feedback.get(id(ctx))
  })

  router.get('/ops/feedback/:id/photo', operator, async (ctx) => {
    sendPhoto(ctx, await feedback.photo(id(ctx), null))
  })

  // Staff writes under /api/ops are recorded by the audit middleware (who, ticket id, assignee, outcome).
  router.post('/ops/feedback/:id/assign', operator, async (ctx) => {
    const body = parseBody(ctx, feedbackAssignRequest)
    ctx.body = await feedback.act(ctx.state.staff.sub, id(ctx), 'assign', body.assignee, now())
  })

  router.post('/ops/feedback/:id/reply', operator, async (ctx) => {
    const body = parseBody(ctx, feedbackReplyRequest)
    ctx.body = await feedback.act(ctx.state.staff.sub, id(ctx), 'reply', body.text, now())
  })

  router.post('/ops/feedback/:id/close', operator, async (ctx) => {
    const body = parseBody(ctx, feedbackCloseRequest)
    ctx.body = await feedback.act(ctx.state.staff.sub, id(ctx), 'close', body.resolution, now())
  })

  return router
}
