import type { StoreDoc } from '../stores/store.model'
import { shanghaiTimeOfDay } from '@mall/shared'

/**
 * Patterns managers should look at (they do not block the award): round amounts, purchases
 * recorded outside the store's opening hours (Shanghai time), and the same member awarded by the
 * same staff member again and again on one day (more than REPEAT_MEMBER_THRESHOLD times; counted
 * by the purchase service, which flags the purchase after recording it).
 */
export const REPEAT_MEMBER_THRESHOLD = 2

export function anomalyFlags(store: Pick<StoreDoc, 'opensAt' | 'closesAt'>, amountFen: number, now: Date): string[] {
  const flags: string[] = []
  if (amountFen >= 500_00 && amountFen % 100_00 === 0) flags.push('round_amount')
  const hhmm = shanghaiTimeOfDay(now)
  if (hhmm < store.opensAt || hhmm > store.closesAt) flags.push('outside_opening_hours')
  return flags
}
