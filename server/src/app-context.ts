import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import type { AppConfig } from '@mall/config'
import type { TokenService } from './modules/auth/tokens'
import type { WechatClient } from './modules/wechat/wechat-client'
import { buildCore } from './context/core'
import { buildServices } from './context/build-services'
import { buildJobs, type Jobs } from './context/jobs'
import type { Services } from './context/services'

export type { Jobs } from './context/jobs'
export type { Services } from './context/services'

export interface AppDeps {
  config: AppConfig
  conn: Connection
  wechat: WechatClient
  logger: Logger
  /** the clock; tests pass a controllable one */
  now?: () => Date
}

/** What route modules receive: services plus the cross-cutting pieces they need. */
export interface AppContext {
  services: Services
  jobs: Jobs
  conn: Connection
  tokens: TokenService
  now: () => Date
  limits: AppConfig['rateLimits']
  config: AppConfig
}

/**
 * The wiring, in three steps: the core every service builds on (member rows, ledger, rules, tokens; context/core.ts),
 * the services of each domain wired to each other's events (context/build-services.ts), and the background jobs
 * that sweep and schedule through them (context/jobs.ts).
 */
export function buildContext(deps: AppDeps): AppContext {
  const { config, conn } = deps
  const core = buildCore(conn, config)
  const built = buildServices(core, deps.wechat, deps.logger)
  const jobs = buildJobs(conn, config, deps.wechat, built)
  const now = deps.now ?? (() => new Date())
  return { services: built.services, jobs, conn, tokens: core.tokens, now, limits: config.rateLimits, config }
}

/** Creates collections and unique indexes up front so the first requests cannot race them. */
export async function ensureIndexes(conn: Connection): Promise<void> {
  await Promise.all(Object.values(conn.models).map((m) => m.init()))
}
