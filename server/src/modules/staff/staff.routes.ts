import Router from '@koa/router'
import { shanghaiDay, storeDayQuery, storeSalesReport } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseBody, parseQuery } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { StaffService } from './staff.service'
import type { StoreSalesService } from './store-sales.service'
import type { StaffWorkspaceService } from './workspace.service'

export interface StaffRouteDeps extends CallerChecks {
  services: { staff: StaffService; storeSales: StoreSalesService; workspace: StaffWorkspaceService }
}

/** The staff workspace: who I am, today's operations, the store's day and its declared takings. */
export function staffRoutes({ services, tokens, now }: StaffRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const anyStaff = requireStaff(tokens, now, ['clerk', 'manager', 'operator'])
  const storeStaff = requireStaff(tokens, now, ['clerk', 'manager'])
  const managers = requireStaff(tokens, now, ['manager', 'operator'])

  router.get('/staff/me', anyStaff, async (ctx) => {
    ctx.body = await services.staff.profile(ctx.state.staff.sub)
  })

  router.get('/staff/operations/today', storeStaff, async (ctx) => {
    ctx.body = { items: await services.workspace.today(ctx.state.staff, now()) }
  })

  router.get('/staff/store/daily', managers, async (ctx) => {
    const q = parseQuery(ctx, storeDayQuery)
    const summary = await services.workspace.storeDay(ctx.state.staff, q.day ?? shanghaiDay(now()), q.storeId)
    const declared = await services.storeSales.declared(summary.storeId, summary.day)
    ctx.body = {
      ...summary,
      declared: declared && {
        totalSalesFen: declared.totalSalesFen,
        receipts: declared.receipts,
        reportedBy: declared.reportedBy,
        reportedAt: new Date(declared.reportedAt).toISOString(),
      },
    }
  })

  router.put('/staff/store/sales', managers, async (ctx) => {
    const doc = await services.storeSales.report(ctx.state.staff, parseBody(ctx, storeSalesReport), now())
    ctx.body = { storeId: doc.storeId, day: doc.day, totalSalesFen: doc.totalSalesFen, receipts: doc.receipts }
  })

  return router
}
