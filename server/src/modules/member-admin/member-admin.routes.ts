import Router from '@koa/router'
import * as z from 'zod'
import {
  emptyBody,
  memberFreezeRequest,
  memberRequestRejectRequest,
  memberRequestsQuery,
  pointsAdjustmentRequest,
} from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { MemberAdminService } from './member-admin.service'

const memberIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)
const requestIdParam = z.uuid()

export interface MemberAdminRouteDeps extends CallerChecks {
  services: { memberAdmin: MemberAdminService }
}

/** Operator console: a member's points adjustments (maker-checker above the threshold) and freezing. */
export function memberAdminRoutes({ services, tokens, now }: MemberAdminRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])

  router.get('/members/:id/status', operator, async (ctx) => {
    ctx.body = await services.memberAdmin.status(parseParam(memberIdParam, ctx.params.id))
  })

  router.post('/members/:id/points-adjustments', operator, async (ctx) => {
    const memberId = parseParam(memberIdParam, ctx.params.id)
    const body = parseBody(ctx, pointsAdjustmentRequest)
    ctx.status = 201
    ctx.body = await services.memberAdmin.requestAdjustment(memberId, body, ctx.state.staff.sub, now())
  })

  for (const [path, frozen] of [
    ['freeze', true],
    ['unfreeze', false],
  ] as const) {
    router.post(`/members/:id/${path}`, operator, async (ctx) => {
      const memberId = parseParam(memberIdParam, ctx.params.id)
      const { reason } = parseBody(ctx, memberFreezeRequest)
      ctx.body = await services.memberAdmin.setFrozen(memberId, frozen, reason, ctx.state.staff.sub, now())
    })
  }

  router.get('/member-requests', operator, async (ctx) => {
    ctx.body = { items: await services.memberAdmin.list(parseQuery(ctx, memberRequestsQuery), now()) }
  })

  router.post('/member-requests/:id/approve', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    const id = parseParam(requestIdParam, ctx.params.id)
    ctx.body = await services.memberAdmin.approve(id, ctx.state.staff.sub, now())
  })

  router.post('/member-requests/:id/reject', operator, async (ctx) => {
    const id = parseParam(requestIdParam, ctx.params.id)
    const { reason } = parseBody(ctx, memberRequestRejectRequest)
    ctx.body = await services.memberAdmin.reject(id, reason, ctx.state.staff.sub, now())
  })

  return router
}
