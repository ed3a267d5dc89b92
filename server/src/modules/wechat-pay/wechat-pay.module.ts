import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import type { AppConfig } from '@mall/config'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import type { PurchaseService } from '../points/purchase.service'
import { PlatformKeys } from './apiv3'
import { WechatPayClient } from './wechat-pay-client'
import { WechatPayRefunds } from './wechat-pay-refunds'
import { WechatPaySync } from './wechat-pay-sync'
import { WechatPayService } from './wechat-pay.service'
import { wechatPayModels } from './wechat-pay.model'

export interface WechatPayParts {
  service: WechatPayService
  refunds: WechatPayRefunds
  sync: WechatPaySync
  client: WechatPayClient
}

/** The 智慧商圈 pieces, wired on the one earn pipeline (PurchaseService) and the ledger. */
export function buildWechatPay(
  conn: Connection,
  config: AppConfig,
  purchases: PurchaseService,
  ledger: LedgerService,
  members: MemberService,
  rules: ProgramRules,
  logger: Logger,
): WechatPayParts {
  const m = wechatPayModels(conn)
  const client = new WechatPayClient(
    config.wechatPay,
    config.wechat.timeoutMs,
    new PlatformKeys(config.wechatPay.platformKeys),
  )
  const refunds = new WechatPayRefunds(m, purchases.recorder, ledger, rules)
  const sync = new WechatPaySync(m, client, logger)
  const service = new WechatPayService(
    m,
    { ...config.wechatPay, appId: config.wechat.appId },
    purchases,
    ledger,
    members,
    rules,
    refunds,
    sync,
    client,
    logger,
    conn,
  )
  return { service, refunds, sync, client }
}
