import type { Context } from 'koa'
import type * as z from 'zod'
import { DomainError } from '../errors/domain-error'
import { assertInputShape } from './input-shape'

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  assertInputShape(input)
  const result = schema.safeParse(input)
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    throw new DomainError('VALIDATION.FAILED', 'request does not match the contract', { issues })
  }
  return result.data
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> =>
  parseWith(schema, (ctx.request as { body?: unknown }).body ?? {})

export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> => parseWith(schema, ctx.query)

/** A path parameter (ids, receipt numbers) checked like any other input. */
export function parseParam<T>(schema: z.ZodType<T>, value: string | undefined): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new DomainError('VALIDATION.FAILED', 'bad id in path')
  return parsed.data
}
