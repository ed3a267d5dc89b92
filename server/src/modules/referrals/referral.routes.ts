import Router from '@koa/router'
import { requireMember } from '../../http/auth-middleware'
import type { AppContext } from '../../app-context'

export function referralRoutes({ services, tokens, now, config }: AppContext): Router {
  const router = new Router({ prefix: '/api' })
  router.get('/me/invites', requireMember(tokens, now), async (ctx) => {
    ctx.body = await services.referrals.summary(ctx.state.memberId, config.publicUrl ?? `${ctx.protocol}://${ctx.host}`)
  })
  return router
}
