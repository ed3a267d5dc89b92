import type Router from '@koa/router'
import type { Middleware } from 'koa'
import type * as z from 'zod'
import type { ConfigVersionView } from '@mall/shared'
import { parseBody, parseParam } from './validate'

/** A kind of configured entity as the console manages it (StoreAdminService, StaffAdminService). */
export interface ConfigAdmin<Create, Update, View> {
  list(): Promise<View[]>
  create(input: Create, operatorId: string, at: Date): Promise<View>
  update(id: string, input: Update, operatorId: string, at: Date): Promise<View>
  history(id: string): Promise<ConfigVersionView[]>
}

export interface Contracts<Create, Update> {
  id: z.ZodType<string>
  create: z.ZodType<Create>
  update: z.ZodType<Update>
}

/** GET and POST /<path>, PUT /<path>/:id (with the version seen), GET /<path>/:id/history. */
export function mountConfig<C, U, V>(
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
