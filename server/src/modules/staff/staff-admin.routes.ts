import Router from '@koa/router'
import { staffCreateRequest, staffIdSchema, staffUpdateRequest } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { mountConfig } from '../../http/mount-config'
import type { CallerChecks } from '../../http/route-deps'
import type { StaffAdminService } from './staff-admin.service'

export interface StaffAdminRouteDeps extends CallerChecks {
  services: { staffAdmin: StaffAdminService }
}

/** Operator console: staff accounts (roles, stores, passwords, locks), each change versioned. */
export function staffAdminRoutes({ services, tokens, now }: StaffAdminRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const contracts = { id: staffIdSchema, create: staffCreateRequest, update: staffUpdateRequest }
  mountConfig(router, 'staff', operator, services.staffAdmin, contracts, now)
  return router
}
