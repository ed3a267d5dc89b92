import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { Logger } from 'pino'
import { DomainError } from '../errors/domain-error'

const SAFE_REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/

/** Request id (propagated from X-Request-Id when well-formed), a child logger, one access log line. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id')
    const requestId = SAFE_REQUEST_ID.test(given) ? given : randomUUID()
    ctx.state.requestId = requestId
    ctx.state.log = logger.child({ requestId })
    ctx.set('X-Request-Id', requestId)
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
        'request',
      )
    }
  }
}

/** JSON APIs only: a body of another type is refused before parsing. */
export const jsonOnly: Middleware = async (ctx, next) => {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== ''
  if (hasBody && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) && !ctx.is('application/json')) {
    throw new DomainError('REQUEST.UNSUPPORTED_MEDIA_TYPE', 'send application/json')
  }
  await next()
}
