import Router from '@koa/router'
import * as z from 'zod'
import { accountDeletionRequest, emptyBody } from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { byMember, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { AccountDeletionService } from './account-deletion.service'

const memberIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)

export interface AccountDeletionRouteDeps extends CallerChecks {
  services: { accountDeletion: AccountDeletionService }
}

/** 注销账号: the member's request, its status (the banner) and its cancel; the console's view of a member's. */
export function accountDeletionRoutes({ services, tokens, now }: AccountDeletionRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const limit = rateLimit('account-deletion', { max: 60, windowMs: 60_000, id: byMember })

  router.get('/me/account-deletion', member, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await services.accountDeletion.status(ctx.state.memberId, now())
  })

  router.post('/me/account-deletion', member, limit, async (ctx) => {
    parseBody(ctx, accountDeletionRequest)
    ctx.body = await services.accountDeletion.request(ctx.state.memberId, now())
  })

  router.post('/me/account-deletion/cancel', member, limit, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.accountDeletion.cancel(ctx.state.memberId, now())
  })

  router.get('/ops/members/:id/account-deletion', requireStaff(tokens, now, ['operator']), async (ctx) => {
    ctx.body = await services.accountDeletion.memberView(parseParam(memberIdParam, ctx.params.id))
  })

  return router
}
