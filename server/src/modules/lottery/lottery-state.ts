import type { LotteryStatus } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { claimTransition, type Claimed } from '../../db/transitions'
import type { LotteryDoc, LotteryModels, LotteryTransitionDoc } from './lottery.model'

const KINDS = ['kill', 'budget', 'activate'] as const
const STATUS_BY_KIND: Record<LotteryTransitionDoc['kind'], LotteryStatus> = {
  kill: 'killed',
  budget: 'paused_budget',
  activate: 'active',
}

/**
 * A lottery's transitions, each decided by its insert (db/transitions.ts), as campaigns have them
 * (campaigns/campaign-state.ts): `<id>:activate`, `<id>:budget`, `<id>:kill`. The status is what the
 * rows say, the kill first, so nothing racing the kill switch can undo it. `LotteryDoc.status` is a cache.
 */
export class LotteryStates {
  constructor(private readonly m: LotteryModels) {}

  async current(l: LotteryDoc): Promise<LotteryDoc> {
    const rows = await Promise.all(
      KINDS.map((kind) => findById<LotteryTransitionDoc>(this.m.Transition, `${l._id}:${kind}`)),
    )
    const decisive = rows.find((r) => r !== null)
    if (!decisive) return l
    const status = STATUS_BY_KIND[decisive.kind]
    if (status !== l.status) await updateById(this.m.Lottery, l._id, { $set: { status } })
    return { ...l, status }
  }

  claim(
    lotteryId: string,
    kind: LotteryTransitionDoc['kind'],
    by: string,
    now: Date,
  ): Promise<Claimed<LotteryTransitionDoc>> {
    // Nothing follows the insert but the cache, which every read repairs: settled at once.
    return claimTransition(this.m.Transition, {
      _id: `${lotteryId}:${kind}`,
      lotteryId,
      kind,
      by,
      at: now,
      settled: true,
    })
  }
}
