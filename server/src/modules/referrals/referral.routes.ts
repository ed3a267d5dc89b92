import Router from '@koa/router'
import { requireMember } from '../../http/auth-middleware'
import type { AppConfig } from '@mall/config'
import type { CallerChecks } from '../../http/route-deps'
import type { ReferralService } from './referral.service'

export interface ReferralRouteDeps extends CallerChecks {
  services: { referrals: ReferralService }
  /** the public address invite links point at (else the request's own host) */
  config: Pick<AppConfig, 'publicUrl'>
}

export function referralRoutes({ services, tokens, now, config }: ReferralRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  router.get('/me/invites', requireMember(tokens, now), async (ctx) => {
    ctx.body = await services.referrals.summary(ctx.state.memberId, config.publicUrl ?? `${ctx.protocol}://${ctx.host}`)
  })
  return router
}
