import { campaignRunsOn, earnedWithCampaign, type EarningFactors, type PointsCampaign } from './earning'
import { addDays, shanghaiDay, shanghaiMonth, startOfShanghaiDay } from './shanghai-time'

/**
 * Double-points days and member day as operators steer them: the budget period a bonus counts
 * against, and a simulator that estimates from recent purchases what a campaign would touch.
 */

/** The budget bucket a purchase at `now` draws on: the whole campaign, or its Shanghai month. */
export function budgetPeriodKey(c: Pick<PointsCampaign, 'budgetPeriod'>, now: Date): string {
  return c.budgetPeriod === 'month' ? shanghaiMonth(now) : 'total'
}

/** A posted purchase from the look-back window, with the factors it earned under. */
export interface SampledPurchase {
  memberId: string
  storeId: string
  day: string
  factors: EarningFactors
}

export interface PointsCampaignSimulation {
  /** look-back window and how many of its days stand in for a campaign day */
  sampleDays: number
  comparableDays: number
  /** average per campaign day, to one decimal */
  perDay: { purchases: number; members: number; bonusPoints: number }
  /** distinct members across the comparable days */
  membersReached: number
  /** campaign days in the next 30 days (Shanghai), and the bonus they would cost */
  upcomingDays: string[]
  projectedBonusPoints: number
  /** 100 points = 1 yuan */
  projectedValueFen: number
  budget: { points: number; period: 'total' | 'month'; used: number; left: number } | null
  /** campaign days the budget left covers at the average rate; null = no cap or no bonus */
  budgetCoversDays: number | null
  warnings: string[]
}

export const SIMULATION_SAMPLE_DAYS = 56
const HORIZON_DAYS = 30
const weekdayOf = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay()
  return d === 0 ? 7 : d
}
const oneDecimal = (x: number) => Math.round(x * 10) / 10
const noon = (day: string) => new Date(startOfShanghaiDay(day).getTime() + 12 * 3600_000)

/** The Shanghai days among the `count` days from `fromDay` (included) that the campaign runs on. */
export function campaignDaysFrom(c: PointsCampaign, fromDay: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(fromDay, i)).filter((d) => campaignRunsOn(c, noon(d)))
}

/**
 * Which past days stand in for a campaign day: the same weekday, the same day of the month (any
 * day when the window has none of it, e.g. the 31st), or for a one-off date its weekday.
 */
function comparable(c: PointsCampaign, day: string): boolean {
  if (c.when.kind === 'weekday') return weekdayOf(day) === c.when.value
  if (c.when.kind === 'monthday') return Number(day.slice(8, 10)) === c.when.value
  return weekdayOf(day) === weekdayOf(String(c.when.value))
}

export function simulatePointsCampaign(
  c: PointsCampaign,
  sample: SampledPurchase[],
  now: Date,
  budgetUsed: number,
): PointsCampaignSimulation {
  const today = shanghaiDay(now)
  const window = Array.from({ length: SIMULATION_SAMPLE_DAYS }, (_, i) => addDays(today, i - SIMULATION_SAMPLE_DAYS))
  let days = window.filter((d) => comparable(c, d))
  const warnings: string[] = []
  if (days.length === 0) {
    days = window
    warnings.push('参考期内没有同类日期，按每日平均估算')
  }
  const daySet = new Set(days)
  const inScope = sample.filter((p) => daySet.has(p.day) && (c.storeIds.length === 0 || c.storeIds.includes(p.storeId)))
  const membersPerDay = new Map<string, Set<string>>()
  let bonusPoints = 0
  for (const p of inScope) {
    bonusPoints += earnedWithCampaign(p.factors, c.multiplierPermille).bonus
    if (!membersPerDay.has(p.day)) membersPerDay.set(p.day, new Set())
    membersPerDay.get(p.day)!.add(p.memberId)
  }
  const memberDays = [...membersPerDay.values()].reduce((n, s) => n + s.size, 0)
  const bonusPerDay = bonusPoints / days.length
  const perDay = {
    purchases: oneDecimal(inScope.length / days.length),
    members: oneDecimal(memberDays / days.length),
    bonusPoints: oneDecimal(bonusPerDay),
  }
  if (inScope.length === 0) warnings.push('参考期内没有符合条件的消费记录，估算为 0')

  const upcomingDays = campaignDaysFrom(c, today, HORIZON_DAYS)
  if (upcomingDays.length === 0) warnings.push('未来 30 天内没有活动日')
  const projectedBonusPoints = Math.round(bonusPerDay * upcomingDays.length)

  const cap = c.budgetPoints ?? 0
  const budget =
    cap > 0
      ? { points: cap, period: c.budgetPeriod ?? 'total', used: budgetUsed, left: Math.max(0, cap - budgetUsed) }
      : null
  const budgetCoversDays = budget && bonusPerDay > 0 ? Math.floor(budget.left / bonusPerDay) : null
  if (budget && budget.left === 0) warnings.push('预算已用尽，活动处于自动暂停状态')
  else if (
    budgetCoversDays !== null &&
    budgetCoversDays < upcomingDays.filter((d) => budget?.period !== 'month' || d.startsWith(today.slice(0, 7))).length
  ) {
    warnings.push(`按平均水平，预算约够 ${budgetCoversDays} 个活动日，之后自动暂停`)
  }
  return {
    sampleDays: SIMULATION_SAMPLE_DAYS,
    comparableDays: days.length,
    perDay,
    membersReached: new Set(inScope.map((p) => p.memberId)).size,
    upcomingDays,
    projectedBonusPoints,
    projectedValueFen: projectedBonusPoints,
    budget,
    budgetCoversDays,
    warnings,
  }
}
