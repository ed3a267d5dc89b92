import { DomainError } from '../errors/domain-error'

/**
 * Limits on the shape of any request input, checked by one iterative walk (no recursion, so no input
 * can overflow the stack) before anything else looks at it: the idempotency hash, the schemas and
 * the audit log all walk the value recursively, and a 50 KB body nested 25,000 deep overflowed them.
 * No API contract comes near these: the deepest is 4 levels, the widest a few hundred values.
 */
export const INPUT_LIMITS = { maxDepth: 32, maxNodes: 10_000 } as const

const FORBIDDEN_KEY = /^\$|^__proto__$|^constructor$|^prototype$/

function tooComplex(what: string, limit: number): DomainError {
  return new DomainError('REQUEST.TOO_COMPLEX', `request input ${what} (limit ${limit})`, { limit: what, max: limit })
}

/**
 * Rejects `$`-operators and prototype keys anywhere in the input, so no code path can pass user
 * input into a MongoDB filter as an operator, and input nested deeper than `maxDepth` or with more
 * than `maxNodes` values in all.
 */
export function assertInputShape(input: unknown, limits: { maxDepth: number; maxNodes: number } = INPUT_LIMITS): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: input, depth: 0, path: '' }]
  let nodes = 0
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!
    if (++nodes > limits.maxNodes) throw tooComplex('has too many values', limits.maxNodes)
    if (value === null || typeof value !== 'object') continue
    if (depth >= limits.maxDepth) throw tooComplex('is nested too deeply', limits.maxDepth)
    if (Array.isArray(value)) {
      if (nodes + value.length > limits.maxNodes) throw tooComplex('has too many values', limits.maxNodes)
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], depth: depth + 1, path: `${path}${path ? '.' : ''}${i}` })
      continue
    }
    const keys = Object.keys(value)
    if (nodes + keys.length > limits.maxNodes) throw tooComplex('has too many values', limits.maxNodes)
    for (const key of keys) {
      const at = `${path}${path ? '.' : ''}${key}`
      if (FORBIDDEN_KEY.test(key)) throw new DomainError('VALIDATION.FAILED', `forbidden key "${key}"`, { path: at })
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: at })
    }
  }
}
