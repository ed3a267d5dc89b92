import Router from '@koa/router'
import { birthdayRequest, bindPhoneRequest, resolveMemberCodeRequest } from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { byMember, byStaff, rateLimit } from '../../http/rate-limit'
import { parseBody } from '../../http/validate'
import type { CallerChecks, RateLimitBudgets } from '../../http/route-deps'
import type { AuthService } from '../auth/auth.service'
import type { MemberCodeService } from '../member-code/member-code.service'
import type { MemberService } from './member.service'

export interface MemberRouteDeps extends CallerChecks, RateLimitBudgets {
  services: { members: MemberService; auth: AuthService; memberCodes: MemberCodeService }
}

/** The member's own resources live under /api/me: there is no member id to tamper with. */
export function memberRoutes({ services, tokens, now, limits }: MemberRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)

  router.get('/me/card', member, async (ctx) => {
    ctx.body = await services.members.card(ctx.state.memberId)
  })

  router.post('/me/phone', member, rateLimit('phone', { max: 10, windowMs: 60_000, id: byMember }), async (ctx) => {
    const body = parseBody(ctx, bindPhoneRequest)
    ctx.body = { phoneMasked: await services.auth.bindPhone(ctx.state.memberId, body.code, now()) }
  })

  router.post(
    '/me/birthday',
    member,
    rateLimit('birthday', { max: 10, windowMs: 60_000, id: byMember }),
    async (ctx) => {
      const { birthday } = parseBody(ctx, birthdayRequest)
      await services.members.setBirthday(ctx.state.memberId, birthday, now())
      ctx.body = { birthday }
    },
  )

  router.get('/me/member-code', member, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await services.memberCodes.issue(ctx.state.memberId, now())
  })

  router.post(
    '/staff/member-code/resolve',
    requireStaff(tokens, now, ['clerk', 'manager', 'operator']),
    rateLimit('scan', { max: limits.scanPerMinute, windowMs: 60_000, id: byStaff }),
    async (ctx) => {
      const body = parseBody(ctx, resolveMemberCodeRequest)
      ctx.body = await services.memberCodes.resolve(body.code, ctx.state.staff, now())
    },
  )

  return router
}
