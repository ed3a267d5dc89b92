import Router from '@koa/router'
import type { Middleware } from 'koa'
import type * as z from 'zod'
import {
  staffCreateRequest,
  staffIdSchema,
  staffUpdateRequest,
  storeCreateRequest,
  storeIdSchema,
  storeUpdateRequest,
  type ConfigVersionView,
} from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam } from '../../http/validate'
import type { AppContext } from '../../app-context'

/** A kind of configured entity as the console manages it (StoreAdminService, StaffAdminService). */
interface ConfigAdmin<Create, Update, View> {
  list(): Promise<View[]>
  create(input: Create, operatorId: string, at: Date): Promise<View>
  update(id: string, input: Update, operatorId: string, at: Date): Promise<View>
  history(id: string): Promise<ConfigVersionView[]>
}

interface Contracts<Create, Update> {
  id: z.ZodType<string>
  create: z.ZodType<Create>
  update: z.ZodType<Update>
}

/** GET and POST /<path>, PUT /<path>/:id (with the version seen), GET /<path>/:id/history. */
function mountConfig<C, U, V>(
  router: Router,
  path: string,
  guard: Middleware,
  admin: ConfigAdmin<C, U, V>,
  contracts: Contracts<C, U>,
  now: () => Date,
): void {
  router.get(`/${path}`, guard, async (ctx) => {
    ctx.body = { items: await admin.list() }
  })
  router.post(`/${path}`, guard, async (ctx) => {
    const body = parseBody(ctx, contracts.create)
    ctx.status = 201
    ctx.body = await admin.create(body, ctx.state.staff.sub, now())
  })
  router.put(`/${path}/:id`, guard, async (ctx) => {
    const id = parseParam(contracts.id, ctx.params.id)
    ctx.body = await admin.update(id, parseBody(ctx, contracts.update), ctx.state.staff.sub, now())
  })
  router.get(`/${path}/:id/history`, guard, async (ctx) => {
    ctx.body = { items: await admin.history(parseParam(contracts.id, ctx.params.id)) }
  })
}

/** Operator console: stores and staff accounts, each change versioned (coupon templates: coupon.routes.ts). */
export function configRoutes({ services, tokens, now }: AppContext): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  mountConfig(
    router,
    'stores',
    operator,
    services.storeAdmin,
    { id: storeIdSchema, create: storeCreateRequest, update: storeUpdateRequest },
    now,
  )
  mountConfig(
    router,
    'staff',
    operator,
    services.staffAdmin,
    { id: staffIdSchema, create: staffCreateRequest, update: staffUpdateRequest },
    now,
  )
  return router
}
