import { shanghaiMonth } from '@mall/shared'
import type { AppConfig } from '@mall/config'
import type { Connection } from 'mongoose'
import { TokenService } from '../modules/auth/tokens'
import { LedgerService } from '../modules/ledger/ledger.service'
import { MemberRepo } from '../modules/members/member.repo'
import { MemberService, type RegistrationHook } from '../modules/members/member.service'
import { ProgramRules } from '../modules/rules/program-rules'
import { ErasedIdentities } from '../modules/account-deletion/erased-identities'

/** What almost every service builds on: the member rows, the points ledger, the program rules and the tokens. */
export interface Core {
  conn: Connection
  config: AppConfig
  tokens: TokenService
  /** the one writer of member rows, which also carry the wallet and coupon book hints */
  memberRows: MemberRepo
  ledger: LedgerService
  rules: ProgramRules
  members: MemberService
}

const WELCOME_EXPIRY_MONTHS = 12

export function buildCore(conn: Connection, config: AppConfig): Core {
  const tokens = new TokenService({
    secret: config.auth.jwtSecret,
    accessTtlSeconds: config.auth.accessTokenTtlSeconds,
    refreshTtlSeconds: config.auth.refreshTokenTtlSeconds,
    operatorRefreshTtlSeconds: config.auth.operatorIdleSeconds,
  })
  const memberRows = new MemberRepo(conn)
  const ledger = new LedgerService(conn, memberRows)
  const rules = new ProgramRules(conn)
  const erased = new ErasedIdentities(conn, config.auth.jwtSecret)
  const members = new MemberService(memberRows, ledger, [welcomeGift(ledger, config, erased)], rules)
  return { conn, config, tokens, memberRows, ledger, rules, members }
}

/** Welcome gift: keyed by member, so a crash or a repeated login can never post it twice. */
function welcomeGift(ledger: LedgerService, config: AppConfig, erased: ErasedIdentities): RegistrationHook {
  return async (member, input) => {
    if (config.welcomeGift.points <= 0) return
    // A WeChat user or phone whose earlier account was erased (注销账号) registers anew without a second gift.
    if (await erased.any([input.identity, ...(input.linkedIdentities ?? [])])) return
    await ledger.post({
      memberId: member._id,
      eventKey: `welcome:${member._id}`,
      type: 'welcome',
      now: input.now,
      plan: () => ({
        op: {
          kind: 'credit',
          points: config.welcomeGift.points,
          earnedMonth: shanghaiMonth(input.now),
          expiryMonths: WELCOME_EXPIRY_MONTHS,
        },
        meta: { reason: '新会员注册礼' },
      }),
    })
  }
}
