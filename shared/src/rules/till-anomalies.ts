import { shanghaiTimeOfDay } from './shanghai-time'

/** A member served by the same staff member more often than this on one day is flagged `repeat_member`. */
export const REPEAT_MEMBER_THRESHOLD = 2

export interface TillAward {
  amountFen: number
  /** the store's opening hours, `HH:MM` Shanghai time */
  opensAt: string
  closesAt: string
  /** this member's awards by this staff member today, this one included */
  visitsToday: number
}

/**
 * Patterns managers should look at on a till award (they do not block it): round amounts, awards
 * outside the store's opening hours (Shanghai time), and the same member awarded by the same staff
 * member again and again on one day.
 */
export function tillAnomalyFlags(award: TillAward, now: Date): string[] {
  const flags: string[] = []
  if (award.amountFen >= 500_00 && award.amountFen % 100_00 === 0) flags.push('round_amount')
  const hhmm = shanghaiTimeOfDay(now)
  if (hhmm < award.opensAt || hhmm > award.closesAt) flags.push('outside_opening_hours')
  if (award.visitsToday > REPEAT_MEMBER_THRESHOLD) flags.push('repeat_member')
  return flags
}
