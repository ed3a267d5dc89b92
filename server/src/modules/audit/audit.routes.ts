import Router from '@koa/router'
import { auditQuery } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseQuery } from '../../http/validate'
import type { AppContext } from '../../app-context'

/** The operators' audit log: every staff write, with its outcome (audit.middleware.ts records them). */
export function auditRoutes({ services, tokens, now }: AppContext): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])

  router.get('/audit', operator, async (ctx) => {
    ctx.body = await services.workspace.audit(parseQuery(ctx, auditQuery))
  })

  return router
}
