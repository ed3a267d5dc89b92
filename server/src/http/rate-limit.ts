import type { Context, Middleware } from 'koa'
import ratelimit from 'koa-ratelimit'
import { DomainError } from '../errors/domain-error'

export interface RateLimitRule {
  /** requests allowed per window for one caller */
  max: number
  windowMs: number
  /** who counts as one caller: member, staff, or client IP */
  id: (ctx: Context) => string
}

/** In-process limiter (koa-ratelimit's memory driver); over the limit → 429 with Retry-After. */
export function rateLimit(name: string, rule: RateLimitRule): Middleware {
  return ratelimit({
    driver: 'memory',
    db: new Map(),
    duration: rule.windowMs,
    max: rule.max,
    id: (ctx: Context) => `${name}:${rule.id(ctx)}`,
    onLimited: (ctx: Context) => {
      const after = Number(ctx.state.rateLimit?.after ?? 1)
      throw new DomainError('REQUEST.RATE_LIMITED', `rate limit on ${name}`, undefined, Math.max(1, after))
    },
  } as never)
}

export const byIp = (ctx: Context) => ctx.ip
export const byMember = (ctx: Context) => String(ctx.state.memberId ?? ctx.ip)
export const byStaff = (ctx: Context) => String(ctx.state.staff?.sub ?? ctx.ip)
