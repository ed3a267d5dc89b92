import type { Context } from 'koa'
import type * as z from 'zod'
import { DomainError } from './domain-error'

const FORBIDDEN_KEY = /^\$|^__proto__$|^constructor$|^prototype$/

/**
 * Rejects `$`-operators and prototype keys anywhere in the input before any schema sees it,
 * so no code path can pass user input into a MongoDB filter as an operator.
 */
export function assertNoOperatorKeys(value: unknown, path: string[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoOperatorKeys(v, [...path, String(i)]))
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEY.test(key)) {
        throw new DomainError('VALIDATION.FAILED', `forbidden key "${key}"`, { path: [...path, key].join('.') })
      }
      assertNoOperatorKeys((value as Record<string, unknown>)[key], [...path, key])
    }
  }
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  assertNoOperatorKeys(input)
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
