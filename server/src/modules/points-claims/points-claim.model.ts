import { Schema, type Connection, type Model } from 'mongoose'
import type { PointsClaimRejectReason, PointsClaimStatus } from '@mall/shared'
import { getModel } from '../../db/connect'
import type { TransitionRow } from '../../db/transitions'

/**
 * A member's 积分补登 claim (`_id` = `<memberId>:<what identifies the purchase>`, claimIdOf): the same
 * purchase claimed twice by one member is one claim. `status`, `points`, `rejectReason` and the
 * decider are a cache of the decision row, never the truth.
 */
export interface PointsClaimDoc {
  _id: string
  memberId: string
  storeId: string
  purchasedAt: Date
  amountFen: number
  receiptNo: string | null
  transactionId: string | null
  status: PointsClaimStatus
  points: number
  rejectReason: PointsClaimRejectReason | null
  decidedBy: string | null
  decidedAt: Date | null
  createdAt: Date
}

/** The claim's decision (`_id` = `<claimId>:decision`): the insert that wins is the decision. */
export interface PointsClaimDecisionDoc extends TransitionRow {
  claimId: string
  outcome: 'approved' | 'rejected'
  by: string
  /** the amount the approver checked (fen) */
  amountFen: number | null
  reason: PointsClaimRejectReason | null
  /** points the approval posted (filled when settled) */
  points: number | null
}

const claimSchema = new Schema<PointsClaimDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    storeId: String,
    purchasedAt: Date,
    amountFen: Number,
    receiptNo: String,
    transactionId: String,
    status: String,
    points: Number,
    rejectReason: String,
    decidedBy: String,
    decidedAt: Date,
    createdAt: Date,
  },
  { versionKey: false, collection: 'points_claims' },
)
claimSchema.index({ memberId: 1, createdAt: -1 })
claimSchema.index({ status: 1, createdAt: 1 })

const decisionSchema = new Schema<PointsClaimDecisionDoc>(
  {
    _id: String,
    claimId: String,
    outcome: String,
    by: String,
    amountFen: Number,
    reason: String,
    points: Number,
    at: Date,
    settled: Boolean,
  },
  { versionKey: false, collection: 'points_claim_decisions' },
)
decisionSchema.index({ settled: 1, at: 1 })

export interface PointsClaimModels {
  Claim: Model<PointsClaimDoc>
  Decision: Model<PointsClaimDecisionDoc>
}

export const pointsClaimModels = (conn: Connection): PointsClaimModels => ({
  Claim: getModel(conn, 'PointsClaim', claimSchema),
  Decision: getModel(conn, 'PointsClaimDecision', decisionSchema),
})

export const decisionIdOf = (claimId: string) => `${claimId}:decision`
