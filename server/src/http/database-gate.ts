import { ServerResponse } from 'node:http'
import type { Context, Middleware } from 'koa'
import { DomainError } from '../errors/domain-error'
import { isDatabaseUnreachable, type DatabaseHealth } from '../db/db-health'
import { errorBody } from './error-middleware'
import { HTTP_STATUS_BY_CODE } from './error-table'

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
    // else), not after each of its remaining steps has waited on it; what it still does goes on unheard,
    // and the client's retry with its Idempotency-Key converges on what was done.
    const work = next().then(
      () => ({ failed: false as const }),
      (err: unknown) => ({ failed: true as const, err }),
    )
    let outcome = await Promise.race([work, health.wentDown().then(() => null)])
    if (outcome === null && ctx.res.headersSent) outcome = await work // the route answers by itself
    if (outcome === null) {
      answerEarly(ctx, unavailable())
      const late = await work
      const body = ctx.body as { destroy?: () => void } | null | undefined
      if (typeof body?.destroy === 'function') body.destroy() // a stream nobody will read
      // Any other failure is logged like every failure (its answer goes to the stand-in).
      if (late.failed && !isDatabaseUnreachable(late.err)) throw late.err
      if (late.failed) ctx.status = HTTP_STATUS_BY_CODE['SERVICE.UNAVAILABLE'] // what the access log tells
      ctx.state.log?.info(
        { finishedWith: late.failed ? String(late.err) : ctx.status },
        'answered 503 when the database went; the request finished unheard',
      )
      return
    }
    if (!outcome.failed) return
    if (!isDatabaseUnreachable(outcome.err)) throw outcome.err
    health.markDown(String((outcome.err as Error)?.name))
    throw unavailable()
  }
}

/**
 * Sends `err` to the client now and leaves the request going on against a stand-in response, so that
 * the answer it gives in the end is its own: its Idempotency-Key record keeps that answer (a coupon
 * claimed once the database was back: 201 and the coupon), and the client's retry is given it. With one
 * response shared, Koa ignores a status set after the 503 went out: the record kept 503 with the
 * route's body and every retry was answered 503 again, for good (the database-kill chaos test's
 * "no answer" after 600 retries).
 */
function answerEarly(ctx: Context, err: DomainError): void {
  const client = ctx.res
  const standIn = new ServerResponse(ctx.req)
  standIn.statusCode = client.statusCode
  for (const [name, value] of Object.entries(client.getHeaders()))
    if (value !== undefined) standIn.setHeader(name, value)
  ctx.res = ctx.request.res = ctx.response.res = standIn
  ctx.respond = false // Koa leaves the client's response alone: it is written here

  const body = JSON.stringify(errorBody(err, ctx.state.requestId))
  for (const name of ['content-length', 'content-type', 'content-encoding', 'transfer-encoding'])
    client.removeHeader(name)
  client.statusCode = HTTP_STATUS_BY_CODE[err.code]
  client.setHeader('Content-Type', 'application/json; charset=utf-8')
  client.setHeader('Content-Length', Buffer.byteLength(body))
  if (err.retryAfter) client.setHeader('Retry-After', String(err.retryAfter))
  client.end(body)
}
