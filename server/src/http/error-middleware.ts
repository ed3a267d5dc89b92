import type { Middleware } from 'koa'
import { ERROR_MESSAGES_ZH, type ErrorBody, type ErrorCode } from '@mall/shared'
import { DomainError } from '../errors/domain-error'
import { HTTP_STATUS_BY_CODE } from './error-table'

/**
 * Outermost middleware: every failure leaves as `{error:{code,message,requestId}}`.
 * Unknown errors become INTERNAL/500 with no details; the stack goes to the log only.
 */
export const errorMiddleware: Middleware = async (ctx, next) => {
  try {
    await next()
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new DomainError('REQUEST.NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`)
    }
  } catch (err) {
    const domain = toDomainError(err)
    if (domain.code === 'INTERNAL') ctx.state.log?.error({ err }, 'unhandled error')
    else ctx.state.log?.info({ code: domain.code, msg: domain.message }, 'request rejected')
    ctx.status = HTTP_STATUS_BY_CODE[domain.code]
    if (domain.retryAfter) ctx.set('Retry-After', String(domain.retryAfter))
    ctx.body = errorBody(domain, ctx.state.requestId)
  }
}

/** The body every failure leaves with (also written by the database gate when it answers early). */
export function errorBody(domain: DomainError, requestId: unknown): ErrorBody {
  return {
    error: {
      code: domain.code,
      message: domain.code === 'INTERNAL' ? ERROR_MESSAGES_ZH.INTERNAL : domain.message,
      requestId: String(requestId ?? ''),
      ...(domain.details !== undefined ? { details: domain.details } : {}),
    },
  }
}

/** Maps errors thrown by libraries (body parser, koa) to domain codes; anything else is INTERNAL. */
function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err
  const e = err as { status?: number; type?: string; message?: string }
  const byStatus: Record<number, ErrorCode> = { 413: 'REQUEST.TOO_LARGE', 415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' }
  if (e?.status === 400 && (e.type === 'entity.parse.failed' || /JSON/i.test(e.message ?? ''))) {
    return new DomainError('REQUEST.MALFORMED_JSON', 'request body is not valid JSON')
  }
  if (e?.status && byStatus[e.status]) return new DomainError(byStatus[e.status]!, e.message ?? 'bad request')
  if (e?.status && e.status >= 400 && e.status < 500)
    return new DomainError('VALIDATION.FAILED', e.message ?? 'bad request')
  return new DomainError('INTERNAL', 'internal error')
}
