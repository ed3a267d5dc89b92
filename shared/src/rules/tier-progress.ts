import { addMonths, lastDayOfMonth, shanghaiMonth } from './shanghai-time'
import type { TierDefinition } from './tiers'
import type { WalletState } from './wallet'

/**
 * Tier qualification by growth value = qualifying spend (yuan) in the rolling 12 Shanghai months
 * ending with the current one, plus action bonuses in the same window. Pure: the mini-program
 * runs the same function to draw the progress bar without a round trip.
 */
export const GROWTH_WINDOW_MONTHS = 12

export function growthValue(state: Pick<WalletState, 'spend' | 'growthBonus'>, now: Date): number {
  const month = shanghaiMonth(now)
  const from = addMonths(month, -(GROWTH_WINDOW_MONTHS - 1))
  const inWindow = (m: string) => m >= from && m <= month
  const spendFen = state.spend.filter((e) => inWindow(e.month)).reduce((s, e) => s + e.amount, 0)
  const bonus = state.growthBonus.filter((e) => inWindow(e.month)).reduce((s, e) => s + e.amount, 0)
  return Math.floor(spendFen / 100) + bonus
}

/** Highest tier whose entry threshold the growth value reaches. */
export function tierForGrowth(tiers: TierDefinition[], growth: number): TierDefinition {
  const sorted = [...tiers].sort((a, b) => a.level - b.level)
  return sorted.filter((t) => growth >= t.entryGrowth).at(-1) ?? sorted[0]!
}

/** Upgrade is immediate on a qualifying event; never a downgrade here. */
export function upgradedLevel(tiers: TierDefinition[], currentLevel: number, growth: number): number {
  return Math.max(currentLevel, tierForGrowth(tiers, growth).level)
}

/**
 * Monthly evaluation: upgrade if the entry threshold is met; otherwise keep the tier while the
 * retention threshold is met; otherwise step down exactly one tier (never more at once).
 */
export function evaluatedLevel(tiers: TierDefinition[], currentLevel: number, growth: number): number {
  const up = upgradedLevel(tiers, currentLevel, growth)
  if (up > currentLevel) return up
  const current = tiers.find((t) => t.level === currentLevel)
  if (!current || growth >= current.retainGrowth) return currentLevel
  const lower = [...tiers].filter((t) => t.level < currentLevel).sort((a, b) => b.level - a.level)[0]
  return lower?.level ?? currentLevel
}

export interface TierProgress {
  growth: number
  current: { level: number; name: string }
  next: { level: number; name: string; growthNeeded: number } | null
  /** growth still missing to keep the current tier at the next evaluation (0 = safe) */
  retain: { growthNeeded: number; evaluationDay: string } | null
  /** 0..1 towards the next tier */
  ratio: number
  /** the spend that drops out of the window at the end of this month (yuan) */
  expiringGrowthThisMonth: number
  /** plain Chinese sentence for the member */
  message: string
}

export function tierProgress(
  tiers: TierDefinition[],
  currentLevel: number,
  state: Pick<WalletState, 'spend' | 'growthBonus'>,
  now: Date,
): TierProgress {
  const growth = growthValue(state, now)
  const sorted = [...tiers].sort((a, b) => a.level - b.level)
  const current = sorted.find((t) => t.level === currentLevel) ?? sorted[0]!
  const next = sorted.find((t) => t.level > current.level) ?? null
  const month = shanghaiMonth(now)
  const evaluationDay = lastDayOfMonth(month)
  const dropping = addMonths(month, -(GROWTH_WINDOW_MONTHS - 1))
  const expiringGrowthThisMonth =
    Math.floor(state.spend.filter((e) => e.month === dropping).reduce((s, e) => s + e.amount, 0) / 100) +
    state.growthBonus.filter((e) => e.month === dropping).reduce((s, e) => s + e.amount, 0)
  const retainNeeded = Math.max(0, current.retainGrowth - (growth - expiringGrowthThisMonth))
  const growthNeeded = next ? Math.max(0, next.entryGrowth - growth) : 0
  const span = next ? next.entryGrowth - current.entryGrowth : 1
  const ratio = next ? Math.min(1, Math.max(0, (growth - current.entryGrowth) / span)) : 1
  const parts: string[] = []
  if (next) parts.push(`再消费 ${growthNeeded} 元即可升级为${next.name}`)
  else parts.push(`您已是最高等级${current.name}`)
  if (current.retainGrowth > 0 && retainNeeded > 0)
    parts.push(`${evaluationDay} 前再消费 ${retainNeeded} 元可保级${current.name}`)
  return {
    growth,
    current: { level: current.level, name: current.name },
    next: next ? { level: next.level, name: next.name, growthNeeded } : null,
    retain: current.retainGrowth > 0 ? { growthNeeded: retainNeeded, evaluationDay } : null,
    ratio,
    expiringGrowthThisMonth,
    message: parts.join('；'),
  }
}
