import type { Middleware } from 'koa'
import { DomainError } from '../errors/domain-error'
import { isDatabaseUnreachable, type DatabaseHealth } from '../db/db-health'

/** Seconds a client is told to wait: the embedded database restarts in about one. */
export const RETRY_AFTER_S = 2

const unavailable = () => new DomainError('SERVICE.UNAVAILABLE', 'database unreachable', undefined, RETRY_AFTER_S)

/**
 * While the database is unreachable every API request is refused at once (503 SERVICE.UNAVAILABLE
 * with Retry-After) instead of waiting on it and failing with a 500; a request that meets the
 * outage itself is answered the same way and marks the database down for the next ones. Health
 * routes pass: they say themselves what state the process is in.
 */
export function databaseGate(health: DatabaseHealth): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/') || ctx.path.startsWith('/api/health')) return next()
    if (!health.available) throw unavailable()
    // A request caught by the outage is answered when the database is seen going (by it or by anyone
    // else), not after each of its remaining steps has waited on it; what it still does is discarded,
    // and the client's retry with its Idempotency-Key converges on what was done.
    const work = next().then(
      () => ({ failed: false as const }),
      (err: unknown) => ({ failed: true as const, err }),
    )
    const outcome = await Promise.race([work, health.wentDown().then(() => null)])
    if (outcome === null) throw unavailable() // `work` goes on unheard; its failure is caught above
    if (!outcome.failed) return
    if (!isDatabaseUnreachable(outcome.err)) throw outcome.err
    health.markDown(String((outcome.err as Error)?.name))
    throw unavailable()
  }
}
