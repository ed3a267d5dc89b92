import Router from '@koa/router'
import { requireMember } from '../../http/auth-middleware'
import { byMember, rateLimit } from '../../http/rate-limit'
import type { CallerChecks } from '../../http/route-deps'
import type { InviteCodeImages } from './invite-code-image'

export interface InviteCodeRouteDeps extends CallerChecks {
  services: { inviteCodes: InviteCodeImages }
}

/** The member's invite as a mini-program code; fetched from WeChat here, so the access token stays here. */
export function inviteCodeRoutes({ services, tokens, now }: InviteCodeRouteDeps): Router {
  const router = new Router({ prefix: '/api/me/invites' })
  const limit = rateLimit('invite-code', { max: 10, windowMs: 60_000, id: byMember })
  router.get('/wxacode', requireMember(tokens, now), limit, async (ctx) => {
    ctx.body = await services.inviteCodes.forMember(ctx.state.memberId, now())
    ctx.set('Cache-Control', 'private, max-age=86400') // the same invite code always draws the same image
  })
  return router
}
