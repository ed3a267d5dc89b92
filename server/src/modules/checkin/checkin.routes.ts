import Router from '@koa/router'
import { checkinMonthQuery, emptyBody, makeupRequest, reminderRequest } from '@mall/shared'
import { requireMember } from '../../http/auth-middleware'
import { answer, idempotent } from '../../http/idempotency'
import { byMember, rateLimit } from '../../http/rate-limit'
import { parseBody, parseQuery } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { CheckinService } from './checkin.service'
import { refuseIfFrozen, type MemberService } from '../members/member.service'

export interface CheckinRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: { members: MemberService; checkin: CheckinService }
}

export function checkinRoutes({ services, tokens, now, limits, conn }: CheckinRouteDeps): Router {
  const router = new Router({ prefix: '/api/me/checkin' })
  const member = requireMember(tokens, now)
  const limit = rateLimit('checkin', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })

  router.post('/', member, limit, async (ctx) => {
    parseBody(ctx, emptyBody)
    // the member row login cached: a frozen member earns no check-in points
    refuseIfFrozen(await services.members.getForDisplay(ctx.state.memberId))
    answer(ctx, await services.checkin.checkIn(ctx.state.memberId, now()))
  })

  router.get('/', member, async (ctx) => {
    const q = parseQuery(ctx, checkinMonthQuery)
    ctx.body = await services.checkin.status(ctx.state.memberId, q.month, now())
  })

  router.post('/makeup', member, limit, async (ctx) => {
    refuseIfFrozen(await services.members.getForDisplay(ctx.state.memberId))
    ctx.body = await services.checkin.makeup(ctx.state.memberId, parseBody(ctx, makeupRequest).day, now())
  })

  router.post('/makeup-cards', member, limit, idempotent(conn, { required: true }), async (ctx) => {
    parseBody(ctx, emptyBody)
    refuseIfFrozen(await services.members.getForDisplay(ctx.state.memberId))
    ctx.body = await services.checkin.buyCard(ctx.state.memberId, ctx.get('idempotency-key'), now())
  })

  router.post('/reminder', member, async (ctx) => {
    const body = parseBody(ctx, reminderRequest)
    const m = await services.members.get(ctx.state.memberId)
    await services.checkin.setReminder(m._id, m.openid, body.subscribe, now())
    ctx.body = { subscribed: body.subscribe }
  })

  return router
}
