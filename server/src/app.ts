import path from 'node:path'
import { existsSync } from 'node:fs'
import Koa from 'koa'
import Router from '@koa/router'
import serve from 'koa-static'
import send from 'koa-send'
import { buildContext, type AppContext, type AppDeps } from './app-context'
import { errorMiddleware } from './http/error-middleware'
import { jsonOnly, requestContext } from './http/request-context'
import { jsonBody } from './http/body'
import { securityHeaders } from './http/security-headers'
import { h5Index } from './http/h5-index'
import { useRateLimitStore } from './http/rate-limit'
import { RateLimitStore } from './http/rate-limit-store'
import { DatabaseHealth } from './db/db-health'
import { databaseGate } from './http/database-gate'
import { healthRoutes, type Lifecycle } from './http/health.routes'
import { openApiRoute } from './http/openapi'
import type { JobLeases } from './jobs/job-lease'
import { authRoutes } from './modules/auth/auth.routes'
import { memberRoutes } from './modules/members/member.routes'
import { opsRoutes } from './modules/ops/ops.routes'
import { couponRoutes } from './modules/coupons/coupon.routes'
import { staffRoutes } from './modules/staff/staff.routes'
import { auditRoutes } from './modules/audit/audit.routes'
import { checkinRoutes } from './modules/checkin/checkin.routes'
import { referralRoutes } from './modules/referrals/referral.routes'
import { auditMiddleware } from './modules/audit/audit.middleware'
import { pointsRoutes } from './modules/points/points.routes'
import { feedbackRoutes } from './modules/feedback/feedback.routes'
import { campaignRoutes, pointsCampaignRoutes } from './modules/campaigns/campaign.routes'
import { insightRoutes } from './modules/insight/insight.routes'
import { storeRoutes } from './modules/stores/store.routes'
import { memberAdminRoutes } from './modules/member-admin/member-admin.routes'
import { staffAdminRoutes } from './modules/staff/staff-admin.routes'
import { notificationRoutes } from './modules/notifications/notification.routes'
import { inviteCodeRoutes } from './modules/wechat/invite-code.routes'
import { wechatPayRoutes } from './modules/wechat-pay/wechat-pay.routes'
import { RECEIPT_UPLOAD_ROUTE, receiptPhotoRoutes } from './modules/receipt-photos/receipt-photo.routes'
import { GIFT_IMAGE_UPLOAD_PATH, pointsMallRoutes } from './modules/points-mall/points-mall.routes'
import { lotteryOpsRoutes, lotteryRoutes } from './modules/lottery/lottery.routes'
import { pointsClaimRoutes } from './modules/points-claims/points-claim.routes'
import { channelMixRoutes } from './modules/ops/channel-mix.routes'
import { homeContentRoutes } from './modules/home-content/home-content.routes'
import { accountDeletionRoutes } from './modules/account-deletion/account-deletion.routes'
import { personalDataRoutes } from './modules/personal-data/personal-data.routes'
import { privacyRoutes } from './modules/privacy/privacy.routes'

export const BODY_LIMIT = '64kb'
/** Routes that take a larger body (a feedback photo) parse it themselves, after authentication. */
const OWN_BODY_PARSER = new Set([`POST ${GIFT_IMAGE_UPLOAD_PATH}`, 'POST /api/me/feedback', RECEIPT_UPLOAD_ROUTE])

/** Every API router, one per path prefix; the authorization matrix covers exactly these. */
export const ROUTES: ((ctx: AppContext) => Router)[] = [
  authRoutes,
  memberRoutes,
  pointsRoutes,
  couponRoutes,
  checkinRoutes,
  referralRoutes,
  staffRoutes,
  staffAdminRoutes,
  storeRoutes,
  memberAdminRoutes,
  auditRoutes,
  opsRoutes,
  feedbackRoutes,
  insightRoutes,
  campaignRoutes,
  pointsCampaignRoutes,
  notificationRoutes,
  inviteCodeRoutes,
  wechatPayRoutes,
  receiptPhotoRoutes,
  pointsMallRoutes,
  lotteryRoutes,
  lotteryOpsRoutes,
  pointsClaimRoutes,
  channelMixRoutes,
  homeContentRoutes,
  personalDataRoutes,
  privacyRoutes,
  accountDeletionRoutes,
]

/** What main.ts shares with the app: the database's health, SIGTERM's drain, the job leases. */
export interface AppRuntime {
  dbHealth?: DatabaseHealth
  lifecycle?: Lifecycle
  leases?: JobLeases
}

/** Error codes of a response whose client went away before it was sent in full. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED'])

/** Builds the Koa app without listening; tests drive `app.callback()` or listen on port 0. */

export function createApp(
  deps: AppDeps,
  runtime: AppRuntime = {},
): { app: Koa; ctx: AppContext; dbHealth: DatabaseHealth } {
  const ctx = buildContext(deps)
  const dbHealth = runtime.dbHealth ?? new DatabaseHealth(deps.conn, deps.logger)
  // Behind TRUST_PROXY hops, ctx.ip is the client the nearest trusted proxy saw and ctx.protocol/host
  // come from X-Forwarded-Proto/-Host; with none, forwarded headers are ignored (anyone can send them).
  const { hops, ipHeader } = deps.config.proxy
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops, proxyIpHeader: ipHeader })
  useRateLimitStore(app, new RateLimitStore(deps.conn))
  // Koa reports here what fails after a handler has answered: a response stream the client closed early (a
  // page navigated away mid-download). Through pino, not Koa's default console.error; a client going away is
  // routine, anything else is an error.
  app.on('error', (err: NodeJS.ErrnoException, c?: Koa.Context) => {
    const log = (c?.state as { log?: typeof deps.logger } | undefined)?.log ?? deps.logger
    if (err.code && CLIENT_GONE.has(err.code))
      log.debug({ code: err.code, path: c?.path }, 'client closed the response')
    else log.error({ err, path: c?.path }, 'response failed after its handler')
  })

  app.use(requestContext(deps.logger))
  app.use(securityHeaders({ h5DistDir: deps.config.h5DistDir }))
  app.use(errorMiddleware)
  app.use(databaseGate(dbHealth))
  app.use(jsonOnly)
  const parseBody = jsonBody(BODY_LIMIT)
  app.use((c, next) => (OWN_BODY_PARSER.has(`${c.method} ${c.path}`) ? next() : parseBody(c, next)))
  app.use(auditMiddleware(deps.conn))

  const health = healthRoutes(dbHealth, runtime.lifecycle ?? { draining: false }, ctx.now, runtime.leases)
  const apiRouters = ROUTES.map((build) => build(ctx))
  for (const router of [health, openApiRoute(apiRouters), ...apiRouters]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: false }))
  }

  const admin = deps.config.adminDistDir
  if (admin && existsSync(path.join(admin, 'index.html'))) {
    // The operator console: a static single-page app at /admin/ (it calls the /api/ops routes).
    app.use(async (c, next) => {
      if (c.path === '/admin') return c.redirect('/admin/')
      if (!c.path.startsWith('/admin/') || (c.method !== 'GET' && c.method !== 'HEAD')) return next()
      const rel = c.path.slice('/admin/'.length) || 'index.html'
      if (!(await send(c, rel, { root: admin }).catch(() => null))) await next()
    })
  }

  const h5 = deps.config.h5DistDir
  if (h5 && existsSync(path.join(h5, 'index.html'))) {
    app.use(h5Index(h5))
    app.use(serve(h5, { index: 'index.html', maxage: 0 }))
  }
  return { app, ctx, dbHealth }
}
