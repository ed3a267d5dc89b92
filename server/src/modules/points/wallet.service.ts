import {
  addMonths,
  expiryPreview,
  lastDayOfMonth,
  shanghaiMonth,
  type TierInfo,
  explainEarning,
  type EarningBreakdownFacts,
  type WalletEntriesPage,
  type WalletEntry,
  type WalletSummary,
} from '@mall/shared'
import type { LedgerEntryDoc } from '../ledger/ledger.model'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'

const TITLES: Record<string, string> = {
  earn: '消费积分',
  welcome: '新会员礼',
  redeem: '积分兑换',
  reversal: '积分扣回',
  expire: '积分过期',
  checkin: '每日签到',
  referral: '邀请有礼',
  coupon: '积分兑券',
  adjust: '积分调整',
}

/** How a purchase reached us, as the member reads it in the history. */
const CHANNELS: Record<string, string> = {
  till: '门店扫码',
  wechat_pay: '微信支付',
  receipt_photo: '小票拍照',
  service_desk: '服务台补登',
}

/** The member's own wallet views: summary with expiry preview, history pages, tier data. */
export class WalletService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
  ) {}

  async summary(memberId: string, now: Date): Promise<WalletSummary> {
    const { state } = await this.ledger.head(memberId)
    const until = lastDayOfMonth(addMonths(shanghaiMonth(now), 2))
    return {
      balance: state.balance,
      debt: state.debt,
      lifetimeEarned: state.lifetimeEarned,
      lifetimeSpent: state.lifetimeSpent,
      lifetimeExpired: state.lifetimeExpired,
      lots: state.lots,
      expiring: expiryPreview(state, until),
      serverTime: now.toISOString(),
    }
  }

  async entries(memberId: string, beforeSeq: number | undefined, limit: number): Promise<WalletEntriesPage> {
    const start = beforeSeq ?? (await this.ledger.head(memberId)).seq + 1
    const rows = await this.ledger.entries(memberId, start, limit)
    const last = rows.at(-1)
    const tierNames = new Map((await this.rules.current()).tiers.map((t) => [t.level, t.name]))
    return {
      items: rows.map((e) => toWalletEntry(e, tierNames)),
      nextBeforeSeq: last && last.seq > 1 ? last.seq : null,
    }
  }

  async tier(memberId: string, now: Date): Promise<TierInfo> {
    const member = await this.members.get(memberId)
    const [head, rules] = await Promise.all([
      this.ledger.head(memberId, member.walletHint ?? null),
      this.rules.current(),
    ])
    return {
      tierLevel: member.tierLevel,
      spend: head.state.spend,
      growthBonus: head.state.growthBonus,
      tiers: rules.tiers,
      serverTime: now.toISOString(),
    }
  }
}

export function toWalletEntry(e: LedgerEntryDoc, tierNames?: Map<number, string>): WalletEntry {
  const meta = e.meta as {
    storeName?: string
    receiptNo?: string
    amountFen?: number
    reason?: string
    item?: string
    channel?: string
    breakdown?: EarningBreakdownFacts
    tierLevelBefore?: number
  }
  // "Why did I get these points": a purchase names the campaign that added to it.
  const campaign = meta.breakdown?.campaign
  const bonus = campaign?.bonusPoints ? `（${campaign.name} +${campaign.bonusPoints}）` : ''
  return {
    seq: e.seq,
    type: e.type,
    title: meta.item ? `兑换：${meta.item}` : `${meta.reason ?? TITLES[e.type] ?? '积分变动'}${bonus}`,
    delta: e.delta,
    balanceAfter: e.state.balance,
    createdAt: new Date(e.createdAt).toISOString(),
    storeName: meta.storeName ?? null,
    receiptNo: meta.receiptNo ?? null,
    amountFen: meta.amountFen ?? null,
    ...(meta.channel ? { channel: CHANNELS[meta.channel] ?? meta.channel } : {}),
    ...(meta.breakdown && meta.amountFen !== undefined && meta.amountFen > 0
      ? { explanation: explainEarning(meta.amountFen, meta.breakdown, tierNames?.get(meta.tierLevelBefore ?? -1)) }
      : {}),
  }
}
