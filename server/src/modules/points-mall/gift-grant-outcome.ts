import { claimTransition } from '../../db/transitions'
import { updateIf } from '../../db/guarded-write'
import {
  grantOutcomeId,
  type GiftGrantOutcomeDoc,
  type GiftRedemptionDoc,
  type PointsMallModels,
} from './points-mall.model'

export type GrantOutcome = GiftGrantOutcomeDoc['outcome']

/**
 * Whether a free grant (a lottery prize) holds its gift, decided once by the insert of `<redemption>:grant`
 * (db/transitions.ts). Two writers decide it: the grant itself (held once its slot is in, failed when the stock
 * or the limit refused it) and the sweeper for a grant left pending (held if its slot is in, else failed). The
 * loser follows the winner: a failed grant gives back any slot it took meanwhile, so no slot stays with a failed
 * redemption and no grant answers a gift the sweeper gave up. (A grant that crashes between its slot insert and
 * its outcome insert, after the sweeper already decided failed, leaves that one slot taken: the one window left.)
 */
export class GiftGrantOutcomes {
  constructor(
    private readonly m: PointsMallModels,
    private readonly releaseSlot: (redemptionId: string) => Promise<void>,
  ) {}

  /** Claims `want` for the grant; answers the outcome that stands, with the redemption brought in line. */
  async decide(r: GiftRedemptionDoc, want: GrantOutcome, now: Date): Promise<GrantOutcome> {
    const row: GiftGrantOutcomeDoc = { _id: grantOutcomeId(r._id), redemptionId: r._id, outcome: want, at: now }
    const { row: winner } = await claimTransition<GiftGrantOutcomeDoc>(this.m.GrantOutcome, row)
    if (winner.outcome === 'failed') await this.releaseSlot(r._id)
    const state = winner.outcome === 'held' ? 'active' : 'failed'
    await updateIf(this.m.Redemption, r._id, { state: 'pending_payment' }, { $set: { state } })
    return winner.outcome
  }

  /** The sweeper's part for a grant a crash (or a slow writer) left pending: held if its slot is in. */
  async settleStale(r: GiftRedemptionDoc, now: Date): Promise<GrantOutcome> {
    const slotIn = await this.m.Slot.exists({ redemptionId: r._id }).exec()
    return this.decide(r, slotIn ? 'held' : 'failed', now)
  }
}
