import type { Middleware } from 'koa'
import { bodyParser } from '@koa/bodyparser'
import { assertInputShape } from './input-shape'

/**
 * JSON bodies only (other types are refused earlier by `jsonOnly`), up to `limit`; larger → 413.
 * The parsed body's shape is checked at once, before any middleware walks it (idempotency hashes it).
 */
export function jsonBody(limit: string): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' })
  return (ctx, next) =>
    parse(ctx, async () => {
      assertInputShape((ctx.request as { body?: unknown }).body)
      await next()
    })
}
