import type { Connection } from 'mongoose'
import { purchasePoints, shanghaiDay, type EarningRules, type PurchasePointsInput } from '@mall/shared'
import { BudgetChain } from '../../db/budget-chain'
import type { PurchaseDoc } from './purchase.model'

/**
 * The optional per-member daily cap: what a purchase may earn is reserved before the posting in
 * the member's day chain (`earn:<member>:<day>`, db/budget-chain.ts), decided by unique inserts, so
 * two purchases at once cannot pass the cap together; the answer is handed to the rule as the
 * points earned today before it. A repeat of the purchase gets its first reservation back.
 */
export class DailyEarningCap {
  /** members' points per day */
  private readonly chain: BudgetChain

  constructor(conn: Connection) {
    this.chain = new BudgetChain(conn, { collection: 'member_daily_earning', model: 'MemberDailyEarning' })
  }

  async earnedToday(
    purchase: PurchaseDoc,
    earning: EarningRules,
    factors: Omit<PurchasePointsInput, 'balance' | 'earnedToday'>,
    now: Date,
  ): Promise<number> {
    const cap = earning.dailyEarnCap
    if (cap <= 0) return 0
    const uncapped = { ...earning, dailyEarnCap: 0, balanceCap: 0 }
    const desired = purchasePoints(uncapped, { ...factors, balance: 0, earnedToday: 0 }).points
    const key = `earn:${purchase.memberId}:${shanghaiDay(purchase.createdAt)}`
    return cap - (await this.chain.reserve(key, cap, purchase._id, desired, now))
  }
}
