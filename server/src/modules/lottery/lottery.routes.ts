import Router from '@koa/router'
import * as z from 'zod'
import { emptyBody, lotteryInput, lotteryVersionInput } from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { idempotent } from '../../http/idempotency'
import { byMember, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { LotteryParts } from './lottery.module'

const lotteryId = z.string().regex(/^l[0-9a-f]{8}$/)

export interface LotteryRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: { lottery: Pick<LotteryParts, 'views' | 'draws'> }
}

/** Members: open lotteries, a draw (points spent, outcome stored, then answered), my draws. */
export function lotteryRoutes({ services, tokens, now, limits, conn }: LotteryRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const limit = rateLimit('lottery', { max: limits.claimPerMinute, windowMs: 60_000, id: byMember })
  const { lottery } = services

  router.get('/lotteries', member, async (ctx) => {
    ctx.body = { items: await lottery.views.list(ctx.state.memberId, now()) }
  })

  router.post('/lotteries/:id/draw', member, limit, idempotent(conn, { required: false }), async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await lottery.draws.draw(ctx.state.memberId, parseParam(lotteryId, ctx.params.id), now())
  })

  router.get('/me/lottery-draws', member, async (ctx) => {
    ctx.body = { items: await lottery.views.myDraws(ctx.state.memberId) }
  })
  return router
}

export interface LotteryOpsRouteDeps extends CallerChecks {
  services: { lottery: Pick<LotteryParts, 'admin'> }
}

/** Operators: create, new frozen prize versions, activate, kill switch, audit list, fairness report. */
export function lotteryOpsRoutes({ services, tokens, now }: LotteryOpsRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops/lotteries' })
  const operator = requireStaff(tokens, now, ['operator'])
  const { admin } = services.lottery
  const id = (raw: string | undefined) => parseParam(lotteryId, raw)

  router.get('/', operator, async (ctx) => {
    ctx.body = { items: await admin.list() }
  })
  router.post('/', operator, async (ctx) => {
    ctx.body = await admin.create(parseBody(ctx, lotteryInput), ctx.state.staff.sub, now())
    ctx.status = 201
  })
  router.get('/:id', operator, async (ctx) => {
    ctx.body = await admin.getView(id(ctx.params.id))
  })
  router.post('/:id/versions', operator, async (ctx) => {
    const lottery = id(ctx.params.id)
    ctx.body = await admin.addVersion(lottery, parseBody(ctx, lotteryVersionInput), ctx.state.staff.sub, now())
    ctx.status = 201
  })
  router.post('/:id/activate', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await admin.activate(id(ctx.params.id), ctx.state.staff.sub, now())
  })
  router.post('/:id/kill', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await admin.kill(id(ctx.params.id), ctx.state.staff.sub, now())
  })
  router.get('/:id/draws', operator, async (ctx) => {
    ctx.body = { items: await admin.audit(id(ctx.params.id)) }
  })
  router.get('/:id/report', operator, async (ctx) => {
    ctx.body = await admin.report(id(ctx.params.id))
  })
  return router
}
