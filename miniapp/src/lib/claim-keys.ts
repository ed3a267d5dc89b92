/**
 * Idempotency keys for coupon claims. Each tap gets a fresh random key, except when the previous
 * tap on the same coupon ended without a definite answer (offline, timeout, 5xx, rate limit,
 * still in flight): then the retry reuses that key, so if the first request did reach the server
 * the retry replays its result instead of claiming a second copy or spending points twice.
 * A definite answer (success or a business error) retires the key; a business error is stored
 * with the key server-side, so reusing it would only replay a stale "积分不足".
 */

/** Server accepts /^[A-Za-z0-9_-]{8,128}$/. Math.random is enough: keys are scoped per member. */
export function newIdempotencyKey(nowMs: number = Date.now(), random: () => number = Math.random): string {
  let tail = ''
  while (tail.length < 16) tail += Math.floor(random() * 36).toString(36)
  return `c${Math.max(0, Math.trunc(nowMs)).toString(36)}-${tail}`
}

export interface ClaimOutcomeError {
  status: number
  code: string
}

/** Did the server possibly not decide (so a retry must reuse the key)? */
export function isUncertainOutcome(error: ClaimOutcomeError): boolean {
  return error.status === 0 || error.status >= 500 || error.status === 429 || error.code === 'IDEMPOTENCY.IN_FLIGHT'
}

export interface ClaimKeys {
  /** key for a tap on `templateId`: the pending one after an uncertain outcome, else a new one */
  keyFor(templateId: string): string
  /** record how the tap ended: null = success */
  settle(templateId: string, error: ClaimOutcomeError | null): void
}

export function createClaimKeys(makeKey: () => string = () => newIdempotencyKey()): ClaimKeys {
  const pending = new Map<string, string>()
  return {
    keyFor(templateId) {
      let key = pending.get(templateId)
      if (!key) {
        key = makeKey()
        pending.set(templateId, key)
      }
      return key
    },
    settle(templateId, error) {
      if (error && isUncertainOutcome(error)) return
      pending.delete(templateId)
    },
  }
}
