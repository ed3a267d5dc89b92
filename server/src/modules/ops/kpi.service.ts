import { trusted, type Connection } from 'mongoose'
import { addDays, percent as pct, shanghaiDay, startOfShanghaiDay, type KpiQuery, type KpiReport } from '@mall/shared'
import type { FeedbackService } from '../feedback/feedback.service'
import type { MemberInsightService } from '../insight/insight.service'
import { checkinModels } from '../checkin/checkin.model'
import { referralModels } from '../referrals/referral.model'
import type { ProgramRules } from '../rules/program-rules'
import { couponKpis } from './coupon-kpis'
import { tierMovementTable } from './tier-movement'
import { memberShareMetrics } from './member-share'
import { createdIn, type JoinedRead } from './joined-read'
import type { MemberDoc } from '../members/member.model'
import { LedgerDays } from './ledger-days'
import { memberRows, postedPurchases, type DashboardPurchase } from './dashboard-reads'
import type { StoreSalesService } from '../staff/store-sales.service'

const ISSUED = new Set(['earn', 'welcome', 'checkin', 'referral', 'adjust'])
/**
 * Figures the store filter narrows: those from purchases, coupon redemptions (at a store), declared
 * store sales and feedback (naming a store). Members, points, check-ins and invites are mall-wide.
 */
const STORE_SCOPED = new Set([
  'repeat_rate',
  'member_sales',
  'avg_ticket',
  'coupon_redemption_rate',
  'member_sales_share',
  'nonmember_avg_ticket',
  'purchases',
  'coupons',
])
const scoped = <T extends { key: string }>(items: T[]) =>
  items.map((i) => ({ ...i, storeScoped: STORE_SCOPED.has(i.key) || i.key.startsWith('feedback_') }))
/** The states of an invited friend, as the member app names them. */
const REFERRAL_STATES: [string, string][] = [
  ['registered', '已注册'],
  ['qualified', '已首购'],
  ['rewarded', '已奖励'],
  ['capped', '已达上限'],
  ['reversed', '已退回'],
]
const SPENT = new Set(['redeem', 'coupon'])
/** Points that lapsed: expiry, and the forfeit of an erased account (neither is a member's activity). */
const LAPSED = new Set(['expire', 'forfeit'])

/**
 * The KPI dashboard, computed from the operational collections with plain finds and JavaScript
 * (FerretDB v1 has no $lookup/$facet; the same code runs on MongoDB). Every figure carries its
 * definition. Purchase-based figures honour the store filter.
 */
export class KpiService {
  readonly ledgerDays: LedgerDays
  private readonly memberRows: JoinedRead<Pick<MemberDoc, 'joinedAt' | 'tierLevel'>[]>
  private readonly purchaseRows: JoinedRead<DashboardPurchase[]>

  constructor(
    private readonly conn: Connection,
    private readonly feedback: FeedbackService,
    private readonly insight: MemberInsightService,
    private readonly rules: ProgramRules,
    private readonly storeSales: StoreSalesService,
  ) {
    this.ledgerDays = new LedgerDays(conn)
    this.memberRows = memberRows(conn)
    this.purchaseRows = postedPurchases(conn)
  }

  /** `now` dates the figures that are "as of now" (the feedback response times). */
  async report(q: KpiQuery, now: Date): Promise<KpiReport> {
    const range = { $gte: startOfShanghaiDay(q.from), $lt: startOfShanghaiDay(addDays(q.to, 1)) }
    const days: string[] = []
    for (let d = q.from; d <= q.to && days.length < 400; d = addDays(d, 1)) days.push(d)
    const [
      members,
      postedPurchases,
      ledger,
      coupons,
      checkins,
      referrals,
      feedback,
      lifecycle,
      rulesNow,
      declaredSales,
    ] = await Promise.all([
      this.memberRows.read(),
      this.purchaseRows.read(),
      this.ledgerDays.range(q.from, q.to, now),
      couponKpis(this.conn, range, q.storeId),
      checkinModels(this.conn)
        .Checkin.find({ at: trusted(range) }, { memberId: 1, day: 1, streak: 1 })
        .lean()
        .exec(),
      referralModels(this.conn)
        .Referral.find({ createdAt: trusted(range) }, { status: 1 })
        .lean()
        .exec(),
      this.feedback.kpis(q, now),
      // lifecycle and churn risk as of the end of the range (or now, if the range reaches today)
      this.insight.kpiSection(new Date(Math.min(now.getTime(), range.$lt.getTime() - 1))),
      this.rules.current(),
      this.storeSales.inRange(q.from, q.to, q.storeId),
    ])
    const purchases = createdIn(postedPurchases, range).filter((p) => !q.storeId || p.storeId === q.storeId)
    const { entries, outstanding } = ledger
    const tierMovement = await tierMovementTable(this.conn, range, rulesNow.tiers, entries)

    const newMembers = members.filter((m) => m.joinedAt >= range.$gte && m.joinedAt < range.$lt)
    // as of the range's end, so the previous period's card compares like with like
    const membersAtEnd = members.filter((m) => m.joinedAt < range.$lt).length
    // entries of the range's last `daysBack` days (the days ending at its end; Shanghai has no DST)
    const activeWithin = (daysBack: number) =>
      new Set(entries.filter((e) => !LAPSED.has(e.type) && e.day >= addDays(q.to, 1 - daysBack)).map((e) => e.memberId))
        .size
    const perMember = new Map<string, number>()
    for (const p of purchases) perMember.set(p.memberId, (perMember.get(p.memberId) ?? 0) + 1)
    const sales = purchases.reduce((s, p) => s + p.amountFen, 0)
    const sum = (types: Set<string>, sign: 1 | -1) =>
      entries.filter((e) => types.has(e.type)).reduce((s, e) => s + Math.max(0, sign * e.delta), 0)
    const issued = sum(ISSUED, 1)
    const redeemed = sum(SPENT, -1)
    const expired = entries.filter((e) => LAPSED.has(e.type)).reduce((s, e) => s - e.delta, 0)
    const checkinMembers = new Set(checkins.map((c) => c.memberId))
    const longest = new Map<string, number>()
    for (const c of checkins) longest.set(c.memberId, Math.max(longest.get(c.memberId) ?? 0, c.streak))
    const bucket = (n: number) => (n >= 7 ? '7天及以上' : n >= 4 ? '4-6天' : n >= 2 ? '2-3天' : '1天')
    const streaks = new Map<string, number>()
    for (const n of longest.values()) streaks.set(bucket(n), (streaks.get(bucket(n)) ?? 0) + 1)
    const tiers = new Map<number, number>()
    for (const m of members) tiers.set(m.tierLevel, (tiers.get(m.tierLevel) ?? 0) + 1)
    const perDay = <T>(rows: T[], at: (r: T) => Date) =>
      days.map((d) => ({ x: d, y: rows.filter((r) => shanghaiDay(at(r)) === d).length }))

    const { tiers: tierDefinitions } = await this.rules.current()
    const report: KpiReport = {
      range: { from: q.from, to: q.to, storeId: q.storeId ?? null },
      metrics: [
        {
          key: 'members_total',
          label: '会员总数',
          value: membersAtEnd,
          unit: '人',
          definition: '截至区间结束已注册的会员数',
        },
        {
          key: 'members_new',
          label: '新增会员',
          value: newMembers.length,
          unit: '人',
          definition: '区间内注册的会员数（上海时间）',
        },
        {
          key: 'active_7d',
          label: '7日活跃会员',
          value: activeWithin(7),
          unit: '人',
          definition: '区间结束前7天内有积分变动（消费、签到、兑换等，不含过期）的会员数',
        },
        {
          key: 'active_30d',
          label: '30日活跃会员',
          value: activeWithin(30),
          unit: '人',
          definition: '区间结束前30天内有积分变动的会员数（只统计区间内的记录）',
        },
        {
          key: 'repeat_rate',
          label: '复购率',
          value: pct([...perMember.values()].filter((n) => n >= 2).length, perMember.size),
          unit: '%',
          definition: '区间内消费≥2次的会员 ÷ 区间内有消费的会员（店员录入的小票，已撤销的不计）',
        },
        {
          key: 'member_sales',
          label: '会员消费额',
          value: sales,
          unit: 'fen',
          definition: '区间内店员为会员录入的小票金额合计（已撤销的不计）',
        },
        {
          key: 'avg_ticket',
          label: '客单价',
          value: purchases.length ? Math.round(sales / purchases.length) : 0,
          unit: 'fen',
          definition: '会员消费额 ÷ 小票数',
        },
        {
          key: 'points_issued',
          label: '发放积分',
          value: issued,
          unit: '分',
          definition: '区间内消费、注册礼、签到、邀请、调整发放的积分',
        },
        {
          key: 'points_redeemed',
          label: '兑换积分',
          value: redeemed,
          unit: '分',
          definition: '区间内礼品兑换和积分兑券消耗的积分',
        },
        {
          key: 'points_expired',
          label: '过期积分',
          value: expired,
          unit: '分',
          definition: '区间内到期作废和注销账号作废的积分',
        },
        {
          key: 'liability',
          label: '积分负债',
          value: outstanding,
          unit: 'fen',
          definition: '全部会员当前可用积分 × 0.01元（100积分=1元）',
          asOfNow: true,
        },
        {
          key: 'checkin_rate',
          label: '签到参与率',
          value: pct(checkinMembers.size, membersAtEnd),
          unit: '%',
          definition: '区间内至少签到一次的会员 ÷ 会员总数',
        },
        coupons.metric,
        ...memberShareMetrics(purchases, declaredSales),
        ...feedback.metrics,
        ...lifecycle.metrics,
      ],
      series: [
        {
          key: 'new_members',
          label: '每日新增会员',
          definition: '按注册日（上海时间）统计',
          points: perDay(newMembers, (m) => m.joinedAt),
        },
        {
          key: 'purchases',
          label: '每日会员小票数',
          definition: '按录入日统计，已撤销的不计',
          points: perDay(purchases, (p) => p.createdAt),
        },
        {
          key: 'checkins',
          label: '每日签到人数',
          definition: '按签到日统计，含补签',
          points: days.map((d) => ({ x: d, y: checkins.filter((c) => c.day === d).length })),
        },
        ...lifecycle.series,
      ],
      tables: [
        coupons.table,
        {
          key: 'referral_funnel',
          label: '邀请漏斗',
          definition: '区间内被邀请注册的好友按当前状态统计',
          columns: ['状态', '人数'],
          rows: REFERRAL_STATES.map(([s, label]) => [label, referrals.filter((r) => r.status === s).length]),
        },
        {
          key: 'streaks',
          label: '签到连续天数分布',
          definition: '区间内每位签到会员的最长连续签到天数',
          columns: ['连续天数', '人数'],
          rows: ['1天', '2-3天', '4-6天', '7天及以上'].map((b) => [b, streaks.get(b) ?? 0]),
        },
        {
          key: 'tiers',
          label: '会员等级分布',
          definition: '当前各等级会员数',
          columns: ['等级', '人数'],
          rows: [...tiers.entries()]
            .sort(([a], [b]) => a - b)
            .map(([l, n]) => [tierDefinitions.find((t) => t.level === l)?.name ?? `等级 ${l}`, n]),
        },
        tierMovement,
        ...feedback.tables,
        ...lifecycle.tables,
      ],
    }
    return {
      ...report,
      metrics: scoped(report.metrics),
      series: scoped(report.series),
      tables: scoped(report.tables),
    }
  }
}
