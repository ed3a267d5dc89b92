import Router from '@koa/router'
import { homeContentUpdateRequest } from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { parseBody } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { HomeContentService } from './home-content.service'

export interface HomeContentRouteDeps extends CallerChecks {
  services: { homeContent: HomeContentService }
}

/** The member app's home page (members) and its editor (operators, versioned). */
export function homeContentRoutes({ services, tokens, now }: HomeContentRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const operator = requireStaff(tokens, now, ['operator'])

  router.get('/home', member, async (ctx) => {
    ctx.body = await services.homeContent.forMembers(now())
  })
  router.get('/ops/home-content', operator, async (ctx) => {
    ctx.body = await services.homeContent.get()
  })
  router.put('/ops/home-content', operator, async (ctx) => {
    const body = parseBody(ctx, homeContentUpdateRequest)
    ctx.body = await services.homeContent.update(body, ctx.state.staff.sub, now())
  })
  router.get('/ops/home-content/history', operator, async (ctx) => {
    ctx.body = { items: await services.homeContent.history() }
  })
  return router
}
