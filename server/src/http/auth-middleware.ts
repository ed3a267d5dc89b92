import type { Context, Middleware, Next } from 'koa'
import type { StaffRole } from '@mall/shared'
import { DomainError } from '../errors/domain-error'
import type { StaffClaims, TokenService } from '../modules/auth/tokens'

export interface AuthState {
  memberId?: string
  staff?: StaffClaims
}

function bearer(ctx: Context): string {
  const header = ctx.get('authorization')
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header)
  if (!match) throw new DomainError('AUTH.REQUIRED', 'missing bearer token')
  return match[1]!
}

/** Member routes: only a member access token (audience `member`) passes. */
export function requireMember(tokens: TokenService, now: () => Date): Middleware {
  return async (ctx: Context, next: Next) => {
    const claims = tokens.verify<{ sub: string }>(bearer(ctx), 'member', now())
    ctx.state.memberId = claims.sub
    ctx.state.log = ctx.state.log?.child({ memberId: claims.sub })
    await next()
  }
}

/** Staff routes: a staff access token whose role is one of `roles`. */
export function requireStaff(tokens: TokenService, now: () => Date, roles: StaffRole[]): Middleware {
  return async (ctx: Context, next: Next) => {
    const claims = tokens.verify<StaffClaims>(bearer(ctx), 'staff', now())
    if (!roles.includes(claims.role)) throw new DomainError('AUTH.FORBIDDEN', `role ${claims.role} may not do this`)
    ctx.state.staff = { sub: claims.sub, role: claims.role, storeId: claims.storeId }
    ctx.state.log = ctx.state.log?.child({ staffId: claims.sub })
    await next()
  }
}
