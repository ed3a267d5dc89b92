import { createHash } from 'node:crypto'
import { insertOnce } from '../../db/connect'
import { claimTransition } from '../../db/transitions'
import type { PaidItem } from '../ledger/paid-item'
import type { CouponClaimDecisionDoc, CouponDoc, CouponModels } from './coupon.model'

export type ClaimRun = { claimId: string } | { earlier: CouponDoc }

/**
 * The runs of one claim made under an `Idempotency-Key`. A retry that takes over a request the middleware
 * thinks abandoned (http/idempotency.ts) starts a new run while the first one may still be alive, only
 * slow. Each run has its own claimId (`<hash of the operation>-<n>`, owned by whoever inserts
 * `claim:<claimId>`), and which runs take effect is decided by one more insert per run,
 * `claim:<claimId>:decision`:
 * - the run itself inserts it (takes effect) after its slot insert and before its first effect (the payment,
 *   or the activation of a free coupon), and a retry that finds the run's coupon inserts the same;
 * - a retry that finds the run without a coupon inserts it (given up) before it moves to the next number.
 * The first insert wins: a slow run whose number was given up releases its coupon and answers 409, and a
 * retry never moves past a run that takes effect. A coupon held by a run that died before the decision is
 * pending, so a retry finishes it or the sweeper releases it.
 */
export class ClaimRuns {
  constructor(private readonly m: CouponModels) {}

  /**
   * This run's claimId, or the coupon of an earlier run that takes effect. Earlier runs that left no
   * coupon (died before their slot insert, were refused, or are still on their way) are given up, so a
   * claimId, and the payment key made from it, is never used twice.
   */
  async start(memberId: string, templateId: string, operationKey: string, now: Date): Promise<ClaimRun> {
    const operation = createHash('sha256').update(operationKey).digest('hex').slice(0, 32)
    for (let run = 1; ; run++) {
      const claimId = `${operation}-${run}`
      const request = { _id: `claim:${claimId}`, memberId, templateId, at: now }
      if (await insertOnce(this.m.ClaimRequest, request)) return { claimId }
      const earlier = await this.couponOf(memberId, claimId)
      // A coupon whose run was given up is being released by that run (or the sweeper): look further.
      if (earlier && (await this.decide(memberId, claimId, true, now))) return { earlier }
      if (earlier || !(await this.decide(memberId, claimId, false, now))) continue
      // Taken effect: the run inserted its coupon since it was looked for, or it was released (refused).
      const decided = await this.couponOf(memberId, claimId)
      if (decided) return { earlier: decided }
    }
  }

  /** Forgets a run refused before it wrote anything, so its request leaves nothing behind. */
  async forget(claimId: string): Promise<void> {
    await this.m.ClaimRequest.deleteOne({ _id: `claim:${claimId}` }).exec()
  }

  /** Whether run `claimId` takes effect: what the first insert of its decision said (`takesEffect` or not). */
  async decide(memberId: string, claimId: string, takesEffect: boolean, now: Date): Promise<boolean> {
    const decision: CouponClaimDecisionDoc = { _id: `claim:${claimId}:decision`, memberId, takesEffect, at: now }
    return (await claimTransition(this.m.ClaimRequest, decision)).row.takesEffect
  }

  /** A free coupon its run held back and left undecided (the sweeper's find): the decision says which way it goes. */
  async settleHeldBack(coupon: CouponDoc, item: PaidItem, now: Date): Promise<'activated' | 'released'> {
    if (await this.decide(coupon.memberId, coupon.claimId, false, now)) {
      await item.activate()
      return 'activated'
    }
    await item.release()
    return 'released'
  }

  private couponOf(memberId: string, claimId: string): Promise<CouponDoc | null> {
    return this.m.Coupon.findOne({ memberId, claimId }).lean<CouponDoc>().exec()
  }
}
