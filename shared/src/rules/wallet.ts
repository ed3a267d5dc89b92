import { addMonths, lastDayOfMonth } from './shanghai-time'

/**
 * The points wallet as a pure state machine. Every ledger entry stores the operation it applied
 * and the state after it, so replaying operations from an empty wallet must reproduce every
 * stored state (the replay checker does exactly that).
 */

/** Points earned in one Shanghai month; they expire together, oldest lot is spent first. */
export interface PointLot {
  earnedMonth: string // 'YYYY-MM'
  expiresOn: string // 'YYYY-MM-DD', last valid day
  remaining: number
}

export interface MonthlyAmount {
  month: string // 'YYYY-MM'
  amount: number
}

export interface WalletState {
  /** Spendable points: Σ lots − debt. Negative only while debt is outstanding. */
  balance: number
  lots: PointLot[]
  /** Points owed after a refund clawed back points already spent (negative-balance policy). */
  debt: number
  /** Qualifying spend in fen per month, for tier growth value (kept for 24 months). */
  spend: MonthlyAmount[]
  /** Growth-value bonuses from actions (check-in streaks, invites…), per month. */
  growthBonus: MonthlyAmount[]
  lifetimeEarned: number
  lifetimeSpent: number
  lifetimeExpired: number
}

export const EMPTY_WALLET: WalletState = {
  balance: 0,
  lots: [],
  debt: 0,
  spend: [],
  growthBonus: [],
  lifetimeEarned: 0,
  lifetimeSpent: 0,
  lifetimeExpired: 0,
}

export type WalletOperation =
  /** Add points earned in `earnedMonth`; repays debt first. */
  | { kind: 'credit'; points: number; earnedMonth: string; expiryMonths: number }
  /** Spend points (redemption); never below zero. */
  | { kind: 'debit'; points: number }
  /** Expire every lot whose last valid day is before `asOfDay`. */
  | { kind: 'expire'; asOfDay: string }
  /** Reverse points already credited (refund); what is already spent becomes debt. */
  | { kind: 'clawback'; points: number }
  /** Only changes growth value (spend or bonus), no points. */
  | { kind: 'none' }

export interface GrowthChange {
  spendFen?: MonthlyAmount
  bonus?: MonthlyAmount
}

export type WalletRuleViolation = 'INSUFFICIENT_POINTS' | 'WALLET_IN_DEBT' | 'INVALID_AMOUNT'

export class WalletRuleError extends Error {
  constructor(
    public readonly violation: WalletRuleViolation,
    message: string,
  ) {
    super(message)
  }
}

export function expiresOnFor(earnedMonth: string, expiryMonths: number): string {
  return lastDayOfMonth(addMonths(earnedMonth, expiryMonths))
}

/** Applies one operation; returns the new state and the change in spendable balance. */
export function applyOperation(
  state: WalletState,
  op: WalletOperation,
  growth: GrowthChange = {},
): { state: WalletState; delta: number } {
  const next: WalletState = {
    ...state,
    lots: state.lots.map((l) => ({ ...l })),
    spend: addMonthly(state.spend, growth.spendFen),
    growthBonus: addMonthly(state.growthBonus, growth.bonus),
  }
  switch (op.kind) {
    case 'credit': {
      assertPositiveInt(op.points)
      const repaid = Math.min(next.debt, op.points)
      next.debt -= repaid
      const rest = op.points - repaid
      if (rest > 0) addToLot(next.lots, op.earnedMonth, expiresOnFor(op.earnedMonth, op.expiryMonths), rest)
      next.lifetimeEarned += op.points
      break
    }
    case 'debit': {
      assertPositiveInt(op.points)
      if (next.debt > 0) throw new WalletRuleError('WALLET_IN_DEBT', 'wallet has unpaid debt')
      if (sumLots(next.lots) < op.points) throw new WalletRuleError('INSUFFICIENT_POINTS', 'not enough points')
      consumeFifo(next.lots, op.points)
      next.lifetimeSpent += op.points
      break
    }
    case 'expire': {
      let expired = 0
      next.lots = next.lots.filter((l) => {
        if (l.expiresOn < op.asOfDay) {
          expired += l.remaining
          return false
        }
        return true
      })
      next.lifetimeExpired += expired
      break
    }
    case 'clawback': {
      assertPositiveInt(op.points)
      const available = sumLots(next.lots)
      const fromLots = Math.min(available, op.points)
      consumeFifo(next.lots, fromLots)
      next.debt += op.points - fromLots
      next.lifetimeEarned -= op.points
      break
    }
    case 'none':
      break
  }
  next.lots = next.lots.filter((l) => l.remaining > 0)
  next.balance = sumLots(next.lots) - next.debt
  return { state: next, delta: next.balance - state.balance }
}

/** Points that would expire by `asOfDay` (used by the expiry job to skip no-op postings). */
export function pointsExpiringBefore(state: WalletState, asOfDay: string): number {
  return state.lots.filter((l) => l.expiresOn < asOfDay).reduce((s, l) => s + l.remaining, 0)
}

/** "N points expire on DATE" for lots expiring on or before `untilDay`, soonest first. */
export function expiryPreview(state: WalletState, untilDay: string): { expiresOn: string; points: number }[] {
  const byDay = new Map<string, number>()
  for (const lot of state.lots) {
    if (lot.expiresOn <= untilDay) byDay.set(lot.expiresOn, (byDay.get(lot.expiresOn) ?? 0) + lot.remaining)
  }
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([expiresOn, points]) => ({ expiresOn, points }))
}

function sumLots(lots: PointLot[]): number {
  return lots.reduce((s, l) => s + l.remaining, 0)
}

function addToLot(lots: PointLot[], earnedMonth: string, expiresOn: string, points: number): void {
  const lot = lots.find((l) => l.earnedMonth === earnedMonth && l.expiresOn === expiresOn)
  if (lot) lot.remaining += points
  else {
    lots.push({ earnedMonth, expiresOn, remaining: points })
    lots.sort((a, b) => (a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : 0))
  }
}

/** Oldest-expiring lots are consumed first, so members lose as few points as possible to expiry. */
function consumeFifo(lots: PointLot[], points: number): void {
  let left = points
  for (const lot of lots) {
    if (left === 0) break
    const take = Math.min(lot.remaining, left)
    lot.remaining -= take
    left -= take
  }
}

function addMonthly(list: MonthlyAmount[], change: MonthlyAmount | undefined): MonthlyAmount[] {
  if (!change || change.amount === 0) return list.map((e) => ({ ...e }))
  const out = list.map((e) => ({ ...e }))
  const hit = out.find((e) => e.month === change.month)
  if (hit) hit.amount += change.amount
  else out.push({ ...change })
  out.sort((a, b) => (a.month < b.month ? -1 : 1))
  // Growth value looks back 12 months; 24 keeps the history the tier page explains.
  return out.filter((e) => e.month >= addMonths(change.month, -24))
}

function assertPositiveInt(n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new WalletRuleError('INVALID_AMOUNT', `points must be a positive integer: ${n}`)
}
