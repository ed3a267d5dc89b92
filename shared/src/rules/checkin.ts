import { addDays } from './shanghai-time'

/**
 * Daily check-in rules (Asia/Shanghai days). Pure: the server decides rewards with them, the
 * mini-program draws the calendar and "N days to the next milestone" with the same functions.
 */
export interface CheckinMilestone {
  /** day within the cycle (1-based) */
  day: number
  bonusPoints: number
  makeupCards: number
  couponTemplateId: string
}

export interface CheckinRules {
  basePoints: number
  cycleDays: number
  milestones: CheckinMilestone[]
  makeupCardPricePoints: number
  makeupMonthlyCap: number
}

export const DEFAULT_CHECKIN_RULES: CheckinRules = {
  basePoints: 5,
  cycleDays: 7,
  milestones: [
    { day: 3, bonusPoints: 10, makeupCards: 0, couponTemplateId: '' },
    { day: 7, bonusPoints: 30, makeupCards: 1, couponTemplateId: '' },
  ],
  makeupCardPricePoints: 50,
  makeupMonthlyCap: 2,
}

/** Length of the run of consecutive checked days ending at `day` (0 if `day` is not checked). */
export function streakEndingAt(checked: ReadonlySet<string>, day: string): number {
  let n = 0
  for (let d = day; checked.has(d); d = addDays(d, -1)) n++
  return n
}

/** The streak a member sees today: ending today if checked in, else ending yesterday. */
export function currentStreak(checked: ReadonlySet<string>, today: string): number {
  return checked.has(today) ? streakEndingAt(checked, today) : streakEndingAt(checked, addDays(today, -1))
}

/** Position in the reward cycle: day 8 of a streak is day 1 of the next 7-day cycle. */
export function cycleDay(streak: number, rules: Pick<CheckinRules, 'cycleDays'>): number {
  return streak <= 0 ? 0 : ((streak - 1) % rules.cycleDays) + 1
}

export interface CheckinReward {
  points: number
  milestone: CheckinMilestone | null
}

/** Reward for a check-in that makes the streak `streak` long. Make-up days earn the base only. */
export function checkinReward(rules: CheckinRules, streak: number, makeup: boolean): CheckinReward {
  if (makeup) return { points: rules.basePoints, milestone: null }
  const milestone = rules.milestones.find((m) => m.day === cycleDay(streak, rules)) ?? null
  return { points: rules.basePoints + (milestone?.bonusPoints ?? 0), milestone }
}

/** The next milestone after `streak` and how many more days it needs. */
export function nextMilestone(
  rules: CheckinRules,
  streak: number,
): { milestone: CheckinMilestone; inDays: number } | null {
  const pos = cycleDay(streak, rules)
  const ahead = [...rules.milestones].sort((a, b) => a.day - b.day)
  const next = ahead.find((m) => m.day > pos) ?? ahead[0]
  if (!next) return null
  const inDays = next.day > pos ? next.day - pos : rules.cycleDays - pos + next.day
  return { milestone: next, inDays }
}
