import type Koa from 'koa'
import type { Context, Middleware } from 'koa'
import { DomainError } from '../errors/domain-error'
import type { RateLimitStore } from './rate-limit-store'

export interface RateLimitRule {
  /** requests allowed per window for one caller */
  max: number
  windowMs: number
  /** who counts as one caller: member, staff, or client IP */
  id: (ctx: Context) => string
}

// The app's store: route modules build their limits before the app exists, so they find it per request.
const stores = new WeakMap<Koa, RateLimitStore>()

export function useRateLimitStore(app: Koa, store: RateLimitStore): void {
  stores.set(app, store)
}

/**
 * A limit shared by every server process on the database (rate-limit-store.ts); over it → 429 with
 * Retry-After (seconds to the end of the window).
 */
export function rateLimit(name: string, rule: RateLimitRule): Middleware {
  return async (ctx, next) => {
    const store = stores.get(ctx.app)
    if (!store) throw new Error('rate-limit store not set up for this app')
    const verdict = await store.hit(`${name}:${rule.id(ctx)}`, rule.max, rule.windowMs)
    if (!verdict.allowed) {
      throw new DomainError('REQUEST.RATE_LIMITED', `rate limit on ${name}`, undefined, verdict.retryAfter)
    }
    await next()
  }
}

export const byIp = (ctx: Context) => ctx.ip
export const byMember = (ctx: Context) => String(ctx.state.memberId ?? ctx.ip)
export const byStaff = (ctx: Context) => String(ctx.state.staff?.sub ?? ctx.ip)
