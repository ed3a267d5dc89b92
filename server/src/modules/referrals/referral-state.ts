import type { Connection, Model } from 'mongoose'
import { Schema } from 'mongoose'
import { existsById, findById, updateById } from '../../db/by-id'
import { getModel } from '../../db/connect'
import { claimTransition, markSettled, unsettled, type Claimed } from '../../db/transitions'
import type { ReferralDoc, ReferralStatus } from './referral.model'

/**
 * A referral's transitions, each decided by its insert (db/transitions.ts), in rounds: the invitee's
 * purchase qualifies round n (`<invitee>:q<n>`), and the round ends in one outcome (`<invitee>:o<n>`):
 * rewarded, capped (the inviter's caps were full) or withdrawn (the qualifying purchase was reversed
 * before a reward). A capped round whose purchase is reversed is reopened (`<invitee>:c<n>`), and a
 * rewarded one clawed back (`<invitee>:x<n>`). Round n + 1 can start only after round n reopened.
 * `ReferralDoc.status` is a cache of these rows.
 */
export interface ReferralTransitionDoc {
  _id: string
  inviteeId: string
  /** q: qualified, o: outcome, c: capped round reopened, x: reward clawed back */
  kind: 'q' | 'o' | 'c' | 'x'
  round: number
  purchaseId: string | null
  outcome: 'rewarded' | 'capped' | 'withdrawn' | null
  /** the inviter's reward, on a rewarded outcome */
  points: number
  at: Date
  settled: boolean
}

const schema = new Schema<ReferralTransitionDoc>(
  {
    _id: String,
    inviteeId: String,
    kind: String,
    round: Number,
    purchaseId: String,
    outcome: String,
    points: Number,
    at: Date,
    settled: Boolean,
  },
  { versionKey: false, collection: 'referral_transitions' },
)
schema.index({ settled: 1, at: 1 }) // the sweeper's unsettled rows (on MongoDB)

export const transitionId = (inviteeId: string, kind: ReferralTransitionDoc['kind'], round: number) =>
  `${inviteeId}:${kind}${round}`

/** The referral's current round as its rows say. */
export interface ReferralRound {
  round: number
  qualified: ReferralTransitionDoc | null
  outcome: ReferralTransitionDoc | null
  /** a capped round reopened, or a reward clawed back */
  after: ReferralTransitionDoc | null
  status: ReferralStatus
}

export class ReferralTransitions {
  private readonly Row: Model<ReferralTransitionDoc>

  constructor(
    conn: Connection,
    private readonly Referral: Model<ReferralDoc>,
  ) {
    this.Row = getModel(conn, 'ReferralTransition', schema)
  }

  /** The newest round: rounds after the first exist only once the one before reopened. */
  async current(inviteeId: string): Promise<ReferralRound> {
    let round = 0
    while (await existsById(this.Row, transitionId(inviteeId, 'q', round + 1))) round++
    if (round === 0) return { round: 0, qualified: null, outcome: null, after: null, status: 'registered' }
    const [qualified, outcome] = await Promise.all([
      findById<ReferralTransitionDoc>(this.Row, transitionId(inviteeId, 'q', round)),
      findById<ReferralTransitionDoc>(this.Row, transitionId(inviteeId, 'o', round)),
    ])
    const afterKind = outcome?.outcome === 'capped' ? 'c' : outcome?.outcome === 'rewarded' ? 'x' : null
    const after = afterKind
      ? await findById<ReferralTransitionDoc>(this.Row, transitionId(inviteeId, afterKind, round))
      : null
    return { round, qualified, outcome, after, status: statusOf(outcome, after) }
  }

  claim(
    inviteeId: string,
    kind: ReferralTransitionDoc['kind'],
    round: number,
    fields: Partial<ReferralTransitionDoc>,
    now: Date,
  ): Promise<Claimed<ReferralTransitionDoc>> {
    return claimTransition(this.Row, {
      _id: transitionId(inviteeId, kind, round),
      inviteeId,
      kind,
      round,
      purchaseId: null,
      outcome: null,
      points: 0,
      at: now,
      settled: false,
      ...fields,
    })
  }

  /** Writes the status cache from the rows, then marks `row` settled. */
  async settle(inviteeId: string, row: ReferralTransitionDoc | null): Promise<ReferralRound> {
    const state = await this.current(inviteeId)
    await updateById(this.Referral, inviteeId, {
      $set: {
        status: state.status,
        qualifyingPurchase: state.status === 'registered' ? null : (state.qualified?.purchaseId ?? null),
        qualifiedAt: state.status === 'registered' ? null : (state.qualified?.at ?? null),
        inviterRewardPoints: state.outcome?.outcome === 'rewarded' ? state.outcome.points : 0,
      },
    })
    if (row) await markSettled(this.Row, row._id)
    return state
  }

  unsettled(now: Date, graceMs: number): Promise<ReferralTransitionDoc[]> {
    return unsettled<ReferralTransitionDoc>(this.Row, now, graceMs)
  }
}

function statusOf(outcome: ReferralTransitionDoc | null, after: ReferralTransitionDoc | null): ReferralStatus {
  if (!outcome) return 'qualified'
  if (outcome.outcome === 'withdrawn') return 'registered'
  if (outcome.outcome === 'capped') return after ? 'registered' : 'capped'
  return after ? 'reversed' : 'rewarded'
}
