import {
  applyOperation,
  checkinReward,
  EMPTY_WALLET,
  growthValue,
  purchasePoints,
  shanghaiMonth,
  tierByLevel,
  upgradedLevel,
  type CheckinRules,
  type EarningRules,
  type GrowthChange,
  type TierDefinition,
  type WalletOperation,
  type WalletState,
} from '@mall/shared'
import type { LedgerEntryDoc } from '../../modules/ledger/ledger.model'
import type { MemberDoc } from '../../modules/members/member.model'
import type { PurchaseDoc, PurchaseKeyDoc } from '../../modules/points/purchase.model'
import type { CheckinDoc } from '../../modules/checkin/checkin.model'
import type { DemoCalendar } from './calendar'
import type { PlannedMember } from './plan'
import type { Prng } from './prng'

export interface ProgramRulesNow {
  earning: EarningRules
  tiers: TierDefinition[]
  checkin: CheckinRules
  referral: { inviteePoints: number; inviterPoints: number }
}

/** An inviter's reward, due when the friend's first purchase posts. */
export interface InviterReward {
  at: Date
  inviteeId: string
  purchaseId: string
}

export interface MemberRows {
  member: MemberDoc
  entries: LedgerEntryDoc[]
  purchases: PurchaseDoc[]
  keys: PurchaseKeyDoc[]
  checkins: CheckinDoc[]
}

type Event =
  | { at: Date; kind: 'purchase'; p: PlannedMember['purchases'][number] }
  | { at: Date; kind: 'checkin'; day: number }
  | { at: Date; kind: 'invitee_gift' }
  | { at: Date; kind: 'inviter_reward'; reward: InviterReward }

const STAFF_OF_CHANNEL = { wechat_pay: 'wechat_pay', receipt_photo: 'desk-review', service_desk: 'desk-review' }

/**
 * One member's ledger, worked out as the services would have posted it: every entry is the wallet
 * rules' `applyOperation` on the previous state (so the replay checker finds nothing to correct),
 * purchases earn by `purchasePoints` at the tier the member had then, tiers rise as growth allows,
 * check-ins earn the streak's reward, and now and then a member spends points (停车、礼品).
 */
export function memberLedger(
  m: PlannedMember,
  rules: ProgramRulesNow,
  cal: DemoCalendar,
  rng: Prng,
  rewards: InviterReward[],
  inviterId: string | null,
): MemberRows {
  const { earning, tiers } = rules
  const events: Event[] = [
    ...m.purchases.map((p) => ({ at: p.at, kind: 'purchase' as const, p })),
    ...m.checkinDays.map((day) => ({
      // today's check-in happened before now
      at: new Date(
        Math.min(cal.starts[day]!.getTime() + rng.int(8 * 60, 22 * 60) * 60_000, cal.now.getTime() - 60_000),
      ),
      kind: 'checkin' as const,
      day,
    })),
    ...(inviterId && rules.referral.inviteePoints > 0 ? [{ at: m.joinedAt, kind: 'invitee_gift' as const }] : []),
    ...rewards.map((reward) => ({ at: reward.at, kind: 'inviter_reward' as const, reward })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime())

  let state: WalletState = EMPTY_WALLET
  let level = 1
  let streak = 0
  let lastCheckin = -2
  const rows: MemberRows = {
    member: null as unknown as MemberDoc,
    entries: [],
    purchases: [],
    keys: [],
    checkins: [],
  }
  const post = (
    at: Date,
    eventKey: string,
    type: string,
    op: WalletOperation,
    meta: Record<string, unknown>,
    growth: GrowthChange = {},
    applied = applyOperation(state, op, growth),
  ) => {
    state = applied.state
    const seq = rows.entries.length + 1
    const entry: LedgerEntryDoc = {
      _id: `${m.id}:${seq}`,
      memberId: m.id,
      seq,
      eventKey,
      type,
      op,
      growth,
      delta: applied.delta,
      state,
      meta,
      createdAt: at,
    }
    rows.entries.push(entry)
    return entry
  }
  const credit = (points: number, at: Date, expiryMonths = earning.expiryMonths): WalletOperation =>
    points > 0 ? { kind: 'credit', points, earnedMonth: shanghaiMonth(at), expiryMonths } : { kind: 'none' }

  for (const e of events) {
    if (e.kind === 'purchase') {
      const { p } = e
      const purchaseId = p.channel === 'wechat_pay' ? `wx:${p.ref}` : `${p.store._id}:${p.ref}`
      const tier = tierByLevel(tiers, level)
      const earned = purchasePoints(earning, {
        amountFen: p.amountFen,
        tierMultiplierPermille: tier.multiplierPermille,
        storeId: p.store._id,
        storeMultiplierPermille: p.store.multiplierPermille,
        storeCategory: p.store.category,
        now: p.at,
        earnedToday: 0,
        balance: state.balance,
      })
      const month = shanghaiMonth(p.at)
      const growth = { spendFen: { month, amount: p.amountFen } }
      const op = credit(earned.points, p.at)
      const applied = applyOperation(state, op, growth)
      const levelAfter = upgradedLevel(tiers, level, growthValue(applied.state, p.at))
      const tierAfter = tierByLevel(tiers, levelAfter)
      const staffId = p.channel === 'till' ? `seed-${p.store._id.toLowerCase()}` : STAFF_OF_CHANNEL[p.channel]
      const entry = post(
        p.at,
        `purchase:${purchaseId}`,
        'earn',
        op,
        {
          channel: p.channel,
          storeId: p.store._id,
          storeName: p.store.name,
          receiptNo: p.ref,
          amountFen: p.amountFen,
          staffId,
          breakdown: earned.breakdown,
          tierLevelBefore: level,
          tierLevelAfter: levelAfter,
          tierAfter: { level: tierAfter.level, name: tierAfter.name },
          rulesVersion: earning.version,
          reason: '消费积分',
        },
        growth,
        applied,
      )
      level = levelAfter
      const purchase: PurchaseDoc = {
        _id: purchaseId,
        storeId: p.store._id,
        receiptNo: p.ref,
        memberId: m.id,
        amountFen: p.amountFen,
        staffId,
        status: 'posted',
        points: entry.delta,
        entryId: entry._id,
        approvedBy: null,
        reversedBy: null,
        reversalReason: null,
        flags: [],
        createdAt: p.at,
        postedAt: p.at,
        channel: p.channel as PurchaseDoc['channel'],
        ...(p.channel === 'wechat_pay' ? { transactionId: p.ref } : {}),
      }
      rows.purchases.push(purchase)
      if (p.channel === 'wechat_pay')
        rows.keys.push({ _id: `txn:${p.ref}`, purchaseId, channel: 'wechat_pay', at: p.at })
      // Now and then points are spent: parking or a gift at the service desk.
      if (state.balance >= 1500 && rng.chance(0.12)) {
        const points = state.balance >= 3000 && rng.chance(0.4) ? 3000 : 1000
        const item = points === 3000 ? '积分兑换：保温杯礼品' : '积分抵扣停车费'
        const at = new Date(p.at.getTime() + 25 * 60_000)
        post(
          at,
          `redeem:${m.id}:seed-${rows.entries.length}`,
          'redeem',
          { kind: 'debit', points },
          {
            item,
            staffId: 'seed-desk',
            storeId: 'DESK',
          },
        )
      }
    } else if (e.kind === 'checkin') {
      streak = e.day === lastCheckin + 1 ? streak + 1 : 1
      lastCheckin = e.day
      const day = cal.days[e.day]!
      const reward = checkinReward(rules.checkin, streak, false)
      const id = `${m.id}:${day}`
      const growth: GrowthChange =
        earning.actionGrowth.checkin > 0
          ? { bonus: { month: shanghaiMonth(e.at), amount: earning.actionGrowth.checkin } }
          : {}
      post(
        e.at,
        `checkin:${id}`,
        'checkin',
        credit(reward.points, e.at),
        {
          day,
          reason: reward.milestone ? `连续签到第${reward.milestone.day}天` : '每日签到',
        },
        growth,
      )
      rows.checkins.push({
        _id: id,
        memberId: m.id,
        day,
        kind: 'daily',
        at: e.at,
        streak,
        rewardPoints: reward.points,
        milestoneDay: reward.milestone?.day ?? null,
        makeupCardsEarned: 0,
        rewarded: true,
      })
    } else if (e.kind === 'invitee_gift') {
      post(e.at, `referral-invitee:${m.id}`, 'referral', credit(rules.referral.inviteePoints, e.at, 12), {
        reason: '好友邀请注册礼',
      })
    } else {
      post(e.at, `referral-inviter:${e.reward.inviteeId}`, 'referral', credit(rules.referral.inviterPoints, e.at), {
        reason: '邀请好友奖励',
        inviteeId: e.reward.inviteeId,
      })
    }
  }
  const head = rows.entries.length
  rows.member = {
    _id: m.id,
    nickname: m.nickname,
    tierLevel: level,
    phone: null,
    openid: m.openid,
    inviteCode: `D${m.id}`,
    source: { channel: inviterId ? 'invite' : 'wechat', inviterId },
    joinedAt: m.joinedAt,
    bookHint: 0,
    // The hint (the whole wallet state, most of a row's size) only where probing from the start would be long.
    ...(head >= 8 ? { walletHint: { seq: head, state } } : {}),
  }
  return rows
}
