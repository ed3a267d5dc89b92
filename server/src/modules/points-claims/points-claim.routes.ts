import Router from '@koa/router'
import type { Context, Next } from 'koa'
import {
  approvePointsClaimRequest,
  pointsClaimId,
  pointsClaimRequest,
  pointsClaimsQuery,
  rejectPointsClaimRequest,
} from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import { DomainError } from '../../errors/domain-error'
import type { CallerChecks } from '../../http/route-deps'
import type { PointsClaimService } from './points-claim.service'

/** The mall's service desk is a store of its own; its staff decide 积分补登 claims, as operators do. */
export const SERVICE_DESK_STORE_ID = 'DESK'

export interface PointsClaimRouteDeps extends CallerChecks {
  services: { pointsClaims: PointsClaimService }
}

/**
 * 积分补登: members file claims and see theirs; the service desk (staff of the desk store) and
 * operators work the queue. Every write is decided by a unique insert in the service.
 */
export function pointsClaimRoutes({ services, tokens, now }: PointsClaimRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const staff = requireStaff(tokens, now, ['clerk', 'manager', 'operator'])
  const desk = async (ctx: Context, next: Next) => {
    const { role, storeId } = ctx.state.staff
    if (role !== 'operator' && storeId !== SERVICE_DESK_STORE_ID)
      throw new DomainError('AUTH.FORBIDDEN', 'only the service desk and operators decide claims')
    await next()
  }

  router.post('/me/points-claims', member, async (ctx) => {
    const body = parseBody(ctx, pointsClaimRequest)
    ctx.body = await services.pointsClaims.file(ctx.state.memberId, body, now())
  })

  router.get('/me/points-claims', member, async (ctx) => {
    ctx.body = { items: await services.pointsClaims.mine(ctx.state.memberId) }
  })

  router.get('/desk/points-claims', staff, desk, async (ctx) => {
    const { status } = parseQuery(ctx, pointsClaimsQuery)
    ctx.body = { items: await services.pointsClaims.queue(status) }
  })

  router.post('/desk/points-claims/:claimId/approve', staff, desk, async (ctx) => {
    const id = parseParam(pointsClaimId, ctx.params.claimId)
    const { amountFen } = parseBody(ctx, approvePointsClaimRequest)
    ctx.body = await services.pointsClaims.approve(ctx.state.staff, id, amountFen, now())
  })

  router.post('/desk/points-claims/:claimId/reject', staff, desk, async (ctx) => {
    const id = parseParam(pointsClaimId, ctx.params.claimId)
    const { reason } = parseBody(ctx, rejectPointsClaimRequest)
    ctx.body = await services.pointsClaims.reject(ctx.state.staff, id, reason, now())
  })

  return router
}
