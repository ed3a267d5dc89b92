/**
 * Member insight: RFM scores, lifecycle stage and churn risk, computed from a member's purchase
 * history as of `now`. Pure: the server passes the posted purchases (reversed and pending ones do
 * not count) and the clock; the console shows the same definitions these functions implement.
 *
 * Days are whole elapsed days: floor((now − t) / 24 h). "Within N days" means fewer than N elapsed
 * days, "not for N days" means N or more (or never), so the two are exact complements.
 *
 * Why fixed thresholds, not population quintiles: a member's score depends on that member alone,
 * so it means the same thing on every screen ("R5 = bought in the last 7 days"), a saved segment
 * such as "R ≥ 4" does not drift when other members join or leave, the member detail page needs no
 * population scan, and a small programme (few members, many ties) still gets meaningful scores.
 * The defaults follow the source documents: frequency classes 每周/每月/每季度一次以上, and money
 * classes at the tier thresholds (3,000 / 10,000 yuan in 12 months). All of it is configurable.
 */

import { median } from './stats'

const DAY_MS = 86_400_000

export type LifecycleStage = 'new' | 'growing' | 'mature' | 'declining' | 'lapsed'
export const LIFECYCLE_STAGES: LifecycleStage[] = ['new', 'growing', 'mature', 'declining', 'lapsed']
export const LIFECYCLE_LABELS: Record<LifecycleStage, string> = {
  new: '新客',
  growing: '成长',
  mature: '成熟',
  declining: '衰退',
  lapsed: '流失',
}

export interface InsightConfig {
  /** the "last 12 months" of frequency and monetary, in days */
  windowDays: number
  rfm: {
    /** R = 5, 4, 3, 2 when days since the last purchase are below these (ascending); else 1, also when never */
    recencyDays: [number, number, number, number]
    /** F = 5, 4, 3, 2 when purchases in the window are at least these (descending); else 1 */
    frequency: [number, number, number, number]
    /** M = 5, 4, 3, 2 when spend in the window (fen) is at least these (descending); else 1 */
    monetaryFen: [number, number, number, number]
  }
  lifecycle: {
    /** 新客: joined fewer than this many days ago … */
    newDays: number
    /** … with at most this many purchases */
    newMaxPurchases: number
    /** 衰退: no purchase for this many days (never purchased: counted from joining) */
    decliningDays: number
    /** 流失: no purchase for this many days (never purchased: counted from joining) */
    lapsedDays: number
    /** 衰退 also when purchases in the last half window ≤ ratio × those in the half before (with ≥ 2 before) */
    dropRatio: number
    /** 成熟: at least this many purchases in the window … */
    matureMinPurchases: number
    /** … and a first purchase at least this many days ago */
    matureMinTenureDays: number
  }
  churn: {
    /** at risk when days since the last purchase > k × the member's median days between purchases */
    k: number
    /** the personal interval needs at least this many purchases (in all history) */
    minPurchases: number
    /** below that: at risk after this many days without a purchase */
    fallbackDays: number
    /** the personal threshold is never below this (three purchases in one week is not a weekly habit) */
    minThresholdDays: number
  }
}

export const DEFAULT_INSIGHT_CONFIG: InsightConfig = {
  windowDays: 365,
  rfm: {
    recencyDays: [7, 30, 90, 180],
    frequency: [52, 12, 4, 2],
    monetaryFen: [10_000_00, 3_000_00, 1_000_00, 200_00],
  },
  lifecycle: {
    newDays: 30,
    newMaxPurchases: 1,
    decliningDays: 90,
    lapsedDays: 180,
    dropRatio: 0.5,
    matureMinPurchases: 6,
    matureMinTenureDays: 90,
  },
  churn: { k: 2, minPurchases: 3, fallbackDays: 90, minThresholdDays: 14 },
}

export interface PurchaseFact {
  at: Date
  amountFen: number
}

export interface RfmScore {
  r: number
  f: number
  m: number
  /** "R F M" digits, e.g. "542" */
  code: string
  recencyDays: number | null
  frequency: number
  monetaryFen: number
}

export interface ChurnRisk {
  atRisk: boolean
  /** personal: k × median interval; global: the fallback threshold; none: never purchased */
  basis: 'personal' | 'global' | 'none'
  thresholdDays: number | null
  medianIntervalDays: number | null
  daysSinceLastPurchase: number | null
}

export interface MemberInsight {
  rfm: RfmScore
  lifecycle: LifecycleStage
  churn: ChurnRisk
  purchasesTotal: number
  firstPurchaseAt: string | null
  lastPurchaseAt: string | null
}

const elapsedDays = (from: Date, now: Date) => Math.floor((now.getTime() - from.getTime()) / DAY_MS)

/** Purchases up to `now`, oldest first (later ones are ignored: insight "as of" a past day). */
function history(purchases: PurchaseFact[], now: Date): PurchaseFact[] {
  return purchases.filter((p) => p.at.getTime() <= now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime())
}

function scoreAscending(value: number | null, below: readonly number[]): number {
  if (value === null) return 1
  const i = below.findIndex((t) => value < t)
  return i === -1 ? 1 : 5 - i
}

function scoreDescending(value: number, atLeast: readonly number[]): number {
  const i = atLeast.findIndex((t) => value >= t)
  return i === -1 ? 1 : 5 - i
}

export function rfmScore(
  purchases: PurchaseFact[],
  now: Date,
  config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
): RfmScore {
  const past = history(purchases, now)
  const last = past.at(-1)
  const windowStart = now.getTime() - config.windowDays * DAY_MS
  const inWindow = past.filter((p) => p.at.getTime() > windowStart)
  const recencyDays = last ? elapsedDays(last.at, now) : null
  const frequency = inWindow.length
  const monetaryFen = inWindow.reduce((s, p) => s + p.amountFen, 0)
  const r = scoreAscending(recencyDays, config.rfm.recencyDays)
  const f = scoreDescending(frequency, config.rfm.frequency)
  const m = scoreDescending(monetaryFen, config.rfm.monetaryFen)
  return { r, f, m, code: `${r}${f}${m}`, recencyDays, frequency, monetaryFen }
}

/**
 * Churn risk from the member's own rhythm: the days between consecutive purchases, their median,
 * and "overdue" = more than k × that median since the last purchase (never below minThresholdDays).
 * With fewer than minPurchases purchases there is no rhythm yet: the global fallbackDays applies.
 * Members who never bought are not flagged: there is no habit to lose (their lifecycle says 衰退/流失).
 */
export function churnRisk(
  purchases: PurchaseFact[],
  now: Date,
  config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
): ChurnRisk {
  const past = history(purchases, now)
  const last = past.at(-1)
  if (!last)
    return { atRisk: false, basis: 'none', thresholdDays: null, medianIntervalDays: null, daysSinceLastPurchase: null }
  const sinceMs = now.getTime() - last.at.getTime()
  const daysSinceLastPurchase = Math.floor(sinceMs / DAY_MS)
  const { k, minPurchases, fallbackDays, minThresholdDays } = config.churn
  if (past.length < minPurchases) {
    return {
      atRisk: sinceMs > fallbackDays * DAY_MS,
      basis: 'global',
      thresholdDays: fallbackDays,
      medianIntervalDays: null,
      daysSinceLastPurchase,
    }
  }
  const intervals = past.slice(1).map((p, i) => (p.at.getTime() - past[i]!.at.getTime()) / DAY_MS)
  const medianIntervalDays = Math.round(median(intervals)! * 100) / 100
  const thresholdDays = Math.round(Math.max(k * medianIntervalDays, minThresholdDays) * 100) / 100
  return {
    atRisk: sinceMs > thresholdDays * DAY_MS,
    basis: 'personal',
    thresholdDays,
    medianIntervalDays,
    daysSinceLastPurchase,
  }
}

/**
 * Lifecycle stage, first rule that applies:
 *  1. 新客 new: joined < newDays days ago and ≤ newMaxPurchases purchases;
 *  2. 流失 lapsed: no purchase for ≥ lapsedDays days (never purchased: days since joining);
 *  3. 衰退 declining: no purchase for ≥ decliningDays days (same fallback), or purchases dropped:
 *     in the last half window ≤ dropRatio × the half window before (which had ≥ 2); a member past
 *     the new-member window who never bought falls here until lapsedDays (needs activation);
 *  4. 成熟 mature: ≥ matureMinPurchases purchases in the window and first purchase ≥ matureMinTenureDays ago;
 *  5. 成长 growing: everyone else (buying, recently, not yet mature).
 */
export function lifecycleStage(
  joinedAt: Date,
  purchases: PurchaseFact[],
  now: Date,
  config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
): LifecycleStage {
  const c = config.lifecycle
  const past = history(purchases, now)
  const joinedDays = elapsedDays(joinedAt, now)
  if (joinedDays < c.newDays && past.length <= c.newMaxPurchases) return 'new'
  const last = past.at(-1)
  const idleDays = elapsedDays(last ? last.at : joinedAt, now)
  if (idleDays >= c.lapsedDays) return 'lapsed'
  if (!last || idleDays >= c.decliningDays) return 'declining'
  const half = (config.windowDays / 2) * DAY_MS
  const t = now.getTime()
  const recent = past.filter((p) => p.at.getTime() > t - half).length
  const before = past.filter((p) => p.at.getTime() > t - 2 * half && p.at.getTime() <= t - half).length
  if (before >= 2 && recent <= c.dropRatio * before) return 'declining'
  const inWindow = past.filter((p) => p.at.getTime() > t - config.windowDays * DAY_MS).length
  if (inWindow >= c.matureMinPurchases && elapsedDays(past[0]!.at, now) >= c.matureMinTenureDays) return 'mature'
  return 'growing'
}

export function memberInsight(
  joinedAt: Date,
  purchases: PurchaseFact[],
  now: Date,
  config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
): MemberInsight {
  const past = history(purchases, now)
  return {
    rfm: rfmScore(past, now, config),
    lifecycle: lifecycleStage(joinedAt, past, now, config),
    churn: churnRisk(past, now, config),
    purchasesTotal: past.length,
    firstPurchaseAt: past[0]?.at.toISOString() ?? null,
    lastPurchaseAt: past.at(-1)?.at.toISOString() ?? null,
  }
}

/** The definitions in Chinese, as the console and the KPI report print them (generated from the config). */
export function insightDefinitions(config: InsightConfig = DEFAULT_INSIGHT_CONFIG): {
  rfm: string
  lifecycle: Record<LifecycleStage, string>
  churn: string
} {
  const { rfm, lifecycle: l, churn, windowDays } = config
  const yuan = (f: number) => (f / 100).toLocaleString('zh-CN')
  return {
    rfm:
      `R 最近消费：距上次消费 <${rfm.recencyDays.join('/<')} 天分别为 5/4/3/2 分，更久或从未消费为 1 分；` +
      `F 消费频次：近 ${windowDays} 天消费 ≥${rfm.frequency.join('/≥')} 次分别为 5/4/3/2 分，否则 1 分；` +
      `M 消费金额：近 ${windowDays} 天消费 ≥${rfm.monetaryFen.map(yuan).join('/≥')} 元分别为 5/4/3/2 分，否则 1 分。只计店员录入且未撤销的小票。`,
    lifecycle: {
      new: `新客：入会不满 ${l.newDays} 天且消费不超过 ${l.newMaxPurchases} 次`,
      growing: '成长：近期有消费，尚未达到成熟标准',
      mature: `成熟：近 ${windowDays} 天消费 ≥${l.matureMinPurchases} 次，且首次消费在 ${l.matureMinTenureDays} 天以前`,
      declining:
        `衰退：${l.decliningDays} 天以上未消费，或近半年消费次数不超过前半年的 ${Math.round(l.dropRatio * 100)}%；` +
        `入会满 ${l.newDays} 天仍未消费也算`,
      lapsed: `流失：${l.lapsedDays} 天以上未消费（从未消费则从入会日算起）`,
    },
    churn:
      `流失风险：距上次消费的天数超过本人中位消费间隔的 ${churn.k} 倍（至少 ${churn.minThresholdDays} 天）；` +
      `消费少于 ${churn.minPurchases} 次的会员按统一阈值 ${churn.fallbackDays} 天判断；从未消费的会员不标记`,
  }
}
