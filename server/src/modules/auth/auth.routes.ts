import Router from '@koa/router'
import {
  devLoginRequest,
  refreshRequest,
  staffLoginRequest,
  staffTotpConfirmRequest,
  staffTotpStartRequest,
  wechatLoginRequest,
} from '@mall/shared'
import { parseBody } from '../../http/validate'
import { byIp, rateLimit } from '../../http/rate-limit'
import type { RateLimitBudgets } from '../../http/route-deps'
import type { StaffService } from '../staff/staff.service'
import type { AuthService } from './auth.service'

/** Logins hand out tokens rather than check them: the services and the clock, no token checker. */
export interface AuthRouteDeps extends RateLimitBudgets {
  services: { auth: AuthService; staff: StaffService }
  now: () => Date
}

export function authRoutes({ services, now, limits }: AuthRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const loginLimit = rateLimit('login', { max: limits.loginPerMinute, windowMs: 60_000, id: byIp })

  router.post('/auth/wechat-login', loginLimit, async (ctx) => {
    const body = parseBody(ctx, wechatLoginRequest)
    ctx.body = await services.auth.wechatLogin(body.code, body.inviter, now())
  })

  router.post('/auth/dev-login', loginLimit, async (ctx) => {
    const body = parseBody(ctx, devLoginRequest)
    ctx.body = await services.auth.devLogin(body.devUser, body.inviter, now())
  })

  router.post('/auth/refresh', loginLimit, async (ctx) => {
    const body = parseBody(ctx, refreshRequest)
    ctx.body = await services.auth.refresh(body.refreshToken, 'member', now())
  })

  router.post('/staff/auth/login', loginLimit, async (ctx) => {
    const body = parseBody(ctx, staffLoginRequest)
    ctx.body = await services.staff.login(body.username, body.password, now(), body)
  })

  // An operator's first login: the password again, then the QR code and a first code (docs/privacy-security.md).
  router.post('/staff/auth/totp/start', loginLimit, async (ctx) => {
    const body = parseBody(ctx, staffTotpStartRequest)
    ctx.body = await services.staff.startTotpEnrolment(body.username, body.password, now())
  })

  router.post('/staff/auth/totp/confirm', loginLimit, async (ctx) => {
    const body = parseBody(ctx, staffTotpConfirmRequest)
    ctx.body = await services.staff.confirmTotpEnrolment(body.enrolToken, body.code, now())
  })

  router.post('/staff/auth/refresh', loginLimit, async (ctx) => {
    const body = parseBody(ctx, refreshRequest)
    ctx.body = await services.auth.refresh(body.refreshToken, 'staff', now(), (sub) => services.staff.claimsFor(sub))
  })

  return router
}
