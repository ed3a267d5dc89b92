import path from 'node:path'
import { existsSync } from 'node:fs'
import Koa from 'koa'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import serve from 'koa-static'
import { buildContext, type AppContext, type AppDeps } from './app-context'
import { errorMiddleware } from './http/error-middleware'
import { jsonOnly, requestContext } from './http/request-context'
import { authRoutes } from './modules/auth/auth.routes'
import { memberRoutes } from './modules/members/member.routes'
import { opsRoutes } from './modules/ops.routes'
import { couponRoutes } from './modules/coupons/coupon.routes'
import { staffRoutes } from './modules/staff/staff.routes'
import { checkinRoutes } from './modules/checkin/checkin.routes'
import { referralRoutes } from './modules/referrals/referral.routes'
import { auditMiddleware } from './modules/audit/audit.middleware'
import { pointsRoutes } from './modules/points/points.routes'

export const BODY_LIMIT = '64kb'

/** Builds the Koa app without listening; tests drive `app.callback()` or listen on port 0. */
export function createApp(deps: AppDeps): { app: Koa; ctx: AppContext } {
  const ctx = buildContext(deps)
  const app = new Koa({ proxy: false })

  app.use(requestContext(deps.logger))
  app.use(errorMiddleware)
  app.use(async (c, next) => {
    c.set('X-Content-Type-Options', 'nosniff')
    c.set('Referrer-Policy', 'no-referrer')
    await next()
  })
  app.use(jsonOnly)
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' }))
  app.use(auditMiddleware(deps.conn))

  const health = new Router()
  health.get('/api/health', (c) => {
    c.body = { ok: true, time: ctx.now().toISOString() }
  })
  for (const router of [health, authRoutes(ctx), memberRoutes(ctx), pointsRoutes(ctx), couponRoutes(ctx), checkinRoutes(ctx), referralRoutes(ctx), staffRoutes(ctx), opsRoutes(ctx)]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: false }))
  }

  const h5 = deps.config.h5DistDir
  if (h5 && existsSync(path.join(h5, 'index.html'))) {
    app.use(serve(h5, { index: 'index.html', maxage: 0 }))
  }
  return { app, ctx }
}
