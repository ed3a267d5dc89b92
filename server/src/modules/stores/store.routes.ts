import Router from '@koa/router'
import { storeCreateRequest, storeIdSchema, storeUpdateRequest } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { mountConfig } from '../../http/mount-config'
import type { CallerChecks } from '../../http/route-deps'
import type { StoreAdminService } from './store-admin.service'

export interface StoreRouteDeps extends CallerChecks {
  services: { storeAdmin: StoreAdminService }
}

/** Operator console: the mall's stores, each change versioned. */
export function storeRoutes({ services, tokens, now }: StoreRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const contracts = { id: storeIdSchema, create: storeCreateRequest, update: storeUpdateRequest }
  mountConfig(router, 'stores', operator, services.storeAdmin, contracts, now)
  return router
}
