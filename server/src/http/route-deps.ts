import type { Connection } from 'mongoose'
import type { AppConfig } from '@mall/config'
import type { TokenService } from '../modules/auth/tokens'

/**
 * What every routes file needs to check its callers: the token verifier and the clock. Each routes file
 * extends it with the services it calls, so app.ts can pass its context and the file shows its dependencies.
 */
export interface CallerChecks {
  tokens: TokenService
  now: () => Date
}

/** The per-minute budgets of the configured rate limits (RATE_*_PER_MINUTE). */
export interface RateLimitBudgets {
  limits: AppConfig['rateLimits']
}

/** The database connection, for routes that record idempotency keys (`idempotent(conn, …)`). */
export interface IdempotencyStore {
  conn: Connection
}
