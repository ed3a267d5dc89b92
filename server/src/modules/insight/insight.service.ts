import type { Connection } from 'mongoose'
import {
  birthdayMonthOf,
  DEFAULT_INSIGHT_CONFIG,
  insightDefinitions,
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  maskName,
  maskPhone,
  memberInsight,
  percent,
  shanghaiDateTime,
  shanghaiMonth,
  type InsightConfig,
  type KpiReport,
  type LifecycleStage,
  type MemberRow,
  type PurchaseFact,
  type SegmentProfile,
} from '@mall/shared'
import type { MemberDoc } from '../members/member.model'
import type { PurchaseDoc } from '../points/purchase.model'
import type { JoinedRead } from '../ops/joined-read'
import { memberRows, postedPurchases, type DashboardPurchase } from '../ops/dashboard-reads'

const DAY_MS = 86_400_000

/** A member and their profile as of one instant. */
export interface ProfiledMember {
  member: MemberDoc
  profile: SegmentProfile
}

type KpiSection = Pick<KpiReport, 'metrics' | 'series' | 'tables'>
type PurchaseRow = Pick<PurchaseDoc, 'memberId' | 'amountFen' | 'createdAt'>

/** The raw population: every member row and the posted purchases grouped by member. */
interface Snapshot {
  loadedAt: number
  members: MemberDoc[]
  byMember: Map<string, PurchaseFact[]>
}

/**
 * `maxAgeMs` > 0 accepts a snapshot up to that old; `joinRead` joins a read already under way (begun
 * moments before this call), as each read is a full scan of members and purchases on FerretDB v1.
 */
interface PopulationOptions {
  maxAgeMs?: number
  joinRead?: boolean
}

/**
 * Member profiles (RFM, lifecycle, churn risk, tags) built from the operational collections.
 * FerretDB v1 has no $lookup/$facet and serves only `{_id}` filters from an index, so a population
 * is two whole-collection reads (members; posted purchases) grouped in memory. (One member's
 * profile never scans: see MemberDirectoryService.purchasesOf.) Reversed or pending receipts never count.
 *
 * Those reads cost seconds on FerretDB at tens of thousands of purchases, so interactive callers
 * (segment preview while an operator types, the segment list's counts) may accept a snapshot up
 * to `maxAgeMs` old from this process; campaigns (`membersOf`) and the KPI report read fresh.
 */
export class MemberInsightService {
  private readonly members: JoinedRead<MemberDoc[]>
  private readonly purchases: JoinedRead<DashboardPurchase[]>
  private snapshot: Promise<Snapshot> | null = null
  private loading: Promise<Snapshot> | null = null

  constructor(
    conn: Connection,
    readonly config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
  ) {
    this.members = memberRows(conn)
    this.purchases = postedPurchases(conn)
  }

  definitions() {
    return insightDefinitions(this.config)
  }

  /**
   * Every member who had joined by `asOf`, profiled as of `asOf`, by member number. `maxAgeMs` > 0
   * accepts data this process read at most that long ago (real time); 0 (the default) reads now.
   */
  async population(asOf: Date, opts: PopulationOptions = {}): Promise<ProfiledMember[]> {
    return (await this.populationRead(asOf, opts)).people
  }

  /** The population and how old the data behind it is (ms; 0 = read for this call). */
  async populationRead(
    asOf: Date,
    { maxAgeMs = 0, joinRead = false }: PopulationOptions = {},
  ): Promise<{ people: ProfiledMember[]; dataAgeMs: number }> {
    const cached = this.snapshot && maxAgeMs > 0 ? await this.snapshot.catch(() => null) : null
    const reuse = cached !== null && Date.now() - cached.loadedAt <= maxAgeMs
    const snap = reuse ? cached : joinRead && this.loading ? await this.loading : await this.load()
    const people = snap.members
      // An erased account (注销账号) is no longer anyone: no segment, campaign or profile counts it.
      .filter((m) => !m.erasedAt && new Date(m.joinedAt).getTime() <= asOf.getTime())
      .map((member) => ({ member, profile: this.profile(member, snap.byMember.get(member._id) ?? [], asOf) }))
    return { people, dataAgeMs: reuse ? Date.now() - snap.loadedAt : 0 }
  }

  /** Drops the snapshot (after a change made here, such as tags, that previews must show at once). */
  invalidate(): void {
    this.snapshot = null
    this.loading = null
  }

  private load(): Promise<Snapshot> {
    const loadedAt = Date.now()
    const loading = Promise.all([
      // the member rows and posted purchases as the dashboard reads them: joined when its KPI reports
      // are reading them too (shared, so sorted as a copy)
      this.members.read(),
      this.purchases.read(),
    ]).then(([members, purchases]) => ({
      loadedAt,
      members: [...members].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)),
      byMember: groupByMember(purchases),
    }))
    this.snapshot = loading
    this.loading = loading
    const settled = () => {
      if (this.loading === loading) this.loading = null
    }
    loading.then(settled, settled)
    return loading
  }

  profile(member: MemberDoc, purchases: PurchaseFact[], asOf: Date): SegmentProfile {
    return {
      memberId: member._id,
      tierLevel: member.tierLevel,
      tags: member.tags ?? [],
      joinedDays: Math.floor((asOf.getTime() - new Date(member.joinedAt).getTime()) / DAY_MS),
      birthdayMonth: birthdayMonthOf(member.birthday), // 'YYYY-MM-DD', set by the member
      currentMonth: Number(shanghaiMonth(asOf).slice(5, 7)),
      insight: memberInsight(new Date(member.joinedAt), purchases, asOf, this.config),
    }
  }

  row({ member, profile }: ProfiledMember): MemberRow {
    return {
      memberId: member._id,
      nickname: maskName(member.nickname),
      phoneMasked: maskPhone(member.phone),
      tierLevel: member.tierLevel,
      joinedAt: new Date(member.joinedAt).toISOString(),
      tags: profile.tags,
      lifecycle: profile.insight.lifecycle,
      rfm: profile.insight.rfm.code,
      churnRisk: profile.insight.churn.atRisk,
    }
  }

  /** Dashboard figures: lifecycle distribution and churn-risk count as of `asOf` (the end of the range, or now). */
  async kpiSection(asOf: Date): Promise<KpiSection> {
    // the dashboard asks for two periods at once: the second report joins the first one's read
    const people = await this.population(asOf, { joinRead: true })
    const stages = new Map<LifecycleStage, number>(LIFECYCLE_STAGES.map((s) => [s, 0]))
    for (const p of people) stages.set(p.profile.insight.lifecycle, stages.get(p.profile.insight.lifecycle)! + 1)
    const atRisk = people.filter((p) => p.profile.insight.churn.atRisk).length
    const d = this.definitions()
    const asOfText = `截至 ${shanghaiDateTime(asOf)}（上海时间：区间结束日末，未到则为当前），全部门店`
    return {
      metrics: [
        { key: 'churn_risk', label: '流失风险会员', value: atRisk, unit: '人', definition: `${d.churn}。${asOfText}` },
        {
          key: 'churn_risk_rate',
          label: '流失风险占比',
          value: percent(atRisk, people.length),
          unit: '%',
          definition: `流失风险会员 ÷ 会员总数（同一时点）。${asOfText}`,
        },
      ],
      series: [
        {
          key: 'lifecycle',
          label: '会员生命周期分布',
          definition: `${LIFECYCLE_STAGES.map((s) => d.lifecycle[s]).join('；')}。${asOfText}`,
          points: LIFECYCLE_STAGES.map((s) => ({ x: LIFECYCLE_LABELS[s], y: stages.get(s)! })),
        },
      ],
      tables: [
        {
          key: 'lifecycle',
          label: '会员生命周期分布',
          definition: `按购买记录判定每位会员所处阶段（依次判断：新客 → 流失 → 衰退 → 成熟 → 成长）。${asOfText}`,
          columns: ['阶段', '人数', '占比%', '口径'],
          rows: LIFECYCLE_STAGES.map((s) => [
            LIFECYCLE_LABELS[s],
            stages.get(s)!,
            percent(stages.get(s)!, people.length),
            d.lifecycle[s],
          ]),
        },
      ],
    }
  }
}

function groupByMember(rows: PurchaseRow[]): Map<string, PurchaseFact[]> {
  const byMember = new Map<string, PurchaseFact[]>()
  for (const r of rows) {
    const list = byMember.get(r.memberId) ?? []
    list.push({ at: new Date(r.createdAt), amountFen: r.amountFen })
    byMember.set(r.memberId, list)
  }
  return byMember
}
