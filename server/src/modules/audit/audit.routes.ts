import Router from '@koa/router'
import { auditQuery } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseQuery } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { StaffWorkspaceService } from '../staff/workspace.service'

export interface AuditRouteDeps extends CallerChecks {
  services: { workspace: StaffWorkspaceService }
}

/** The operators' audit log: every staff write, with its outcome (audit.middleware.ts records them). */
export function auditRoutes({ services, tokens, now }: AuditRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])

  router.get('/audit', operator, async (ctx) => {
    ctx.body = await services.workspace.audit(parseQuery(ctx, auditQuery))
  })

  return router
}
