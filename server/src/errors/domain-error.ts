import type { ErrorCode } from '@mall/shared'

/**
 * A failure the caller can act on. Services throw these with a stable code; only the error
 * middleware turns them into HTTP, through the single table in error-table.ts.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
    /** seconds, for RATE_LIMITED responses */
    public readonly retryAfter?: number,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}
