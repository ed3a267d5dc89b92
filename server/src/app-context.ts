import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import type { AppConfig } from '@mall/config'
import { shanghaiMonth } from '@mall/shared'
import { AuthService } from './modules/auth/auth.service'
import { TokenService } from './modules/auth/tokens'
import type { WechatClient } from './modules/auth/wechat-client'
import { LedgerService } from './modules/ledger/ledger.service'
import { MemberCodeService } from './modules/member-code/member-code.service'
import { MemberRepo } from './modules/members/member.repo'
import { MemberService, type RegistrationHook } from './modules/members/member.service'
import { StaffService } from './modules/staff/staff.service'

export interface AppDeps {
  config: AppConfig
  conn: Connection
  wechat: WechatClient
  logger: Logger
  /** the clock; tests pass a controllable one */
  now?: () => Date
}

export interface Services {
  ledger: LedgerService
  members: MemberService
  auth: AuthService
  staff: StaffService
  memberCodes: MemberCodeService
}

/** What route modules receive: services plus the cross-cutting pieces they need. */
export interface AppContext {
  services: Services
  tokens: TokenService
  now: () => Date
  limits: AppConfig['rateLimits']
  config: AppConfig
}

const WELCOME_EXPIRY_MONTHS = 12

export function buildContext(deps: AppDeps): AppContext {
  const { config, conn } = deps
  const now = deps.now ?? (() => new Date())
  const tokens = new TokenService({
    secret: config.auth.jwtSecret,
    accessTtlSeconds: config.auth.accessTokenTtlSeconds,
    refreshTtlSeconds: config.auth.refreshTokenTtlSeconds,
  })
  const ledger = new LedgerService(conn)

  // Welcome gift: keyed by member, so a crash or a repeated login can never post it twice.
  const welcomePoints: RegistrationHook = async (member, input) => {
    if (config.welcomeGift.points <= 0) return
    await ledger.post({
      memberId: member._id,
      eventKey: `welcome:${member._id}`,
      type: 'welcome',
      now: input.now,
      plan: () => ({
        op: { kind: 'credit', points: config.welcomeGift.points, earnedMonth: shanghaiMonth(input.now), expiryMonths: WELCOME_EXPIRY_MONTHS },
        meta: { reason: '新会员注册礼' },
      }),
    })
  }

  const members = new MemberService(new MemberRepo(conn), ledger, [welcomePoints])
  const services: Services = {
    ledger,
    members,
    auth: new AuthService(conn, members, tokens, deps.wechat, config.auth.devLogin),
    staff: new StaffService(conn, tokens),
    memberCodes: new MemberCodeService(conn, config.auth.memberCodeSecret, members, tokens),
  }
  return { services, tokens, now, limits: config.rateLimits, config }
}

/** Creates collections and unique indexes up front so the first requests cannot race them. */
export async function ensureIndexes(conn: Connection): Promise<void> {
  await Promise.all(Object.values(conn.models).map((m) => m.init()))
}
