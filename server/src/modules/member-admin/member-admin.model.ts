import { Schema, type Connection, type Model } from 'mongoose'
import type { MemberRequestState } from '@mall/shared'
import { getModel } from '../../db/connect'
import type { TransitionRow } from '../../db/transitions'

/**
 * An operator's request to adjust a member's points. `state` and the decision fields are a cache of
 * the request's decision row (below); the ledger entry keyed to the request is the posting.
 */
export interface MemberRequestDoc {
  _id: string
  kind: 'adjust'
  memberId: string
  points: number
  reason: string
  requestedBy: string
  requestedAt: Date
  needsApproval: boolean
  state: MemberRequestState
  decidedBy: string | null
  decidedAt: Date | null
  decisionReason: string | null
  entryId: string | null
  refusal: string | null
}

/**
 * The decision on a request, `_id` = `<request>:decision`: of racing approvals and rejections the one
 * insert that wins IS the decision (db/transitions.ts); `settled` once its posting is done or refused.
 */
export interface MemberRequestDecisionDoc extends TransitionRow {
  requestId: string
  decision: 'approved' | 'rejected'
  by: string
  reason: string | null
}

/**
 * A member's freezes and unfreezes as a chain (`<member>:freeze1`, `<member>:unfreeze1`, …): event k is a
 * freeze when k is odd, so the next change is the insert of row length + 1 and racing operators cannot
 * both freeze. The member row's `frozen` is a cache of the chain's length.
 */
export interface MemberFreezeDoc extends TransitionRow {
  memberId: string
  action: 'freeze' | 'unfreeze'
  by: string
  reason: string
}

export const freezeEventId = (memberId: string, k: number) =>
  `${memberId}:${k % 2 === 1 ? 'freeze' : 'unfreeze'}${Math.ceil(k / 2)}`
export const decisionId = (requestId: string) => `${requestId}:decision`

const requestSchema = new Schema<MemberRequestDoc>(
  {
    _id: String,
    kind: String,
    memberId: String,
    points: Number,
    reason: String,
    requestedBy: String,
    requestedAt: Date,
    needsApproval: Boolean,
    state: String,
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    decisionReason: { type: String, default: null },
    entryId: { type: String, default: null },
    refusal: { type: String, default: null },
  },
  { versionKey: false, collection: 'member_requests' },
)
requestSchema.index({ state: 1, requestedAt: -1 })
requestSchema.index({ memberId: 1, requestedAt: -1 })

const decisionSchema = new Schema<MemberRequestDecisionDoc>(
  { _id: String, requestId: String, decision: String, by: String, reason: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'member_request_decisions' },
)
decisionSchema.index({ settled: 1, at: 1 })

const freezeSchema = new Schema<MemberFreezeDoc>(
  { _id: String, memberId: String, action: String, by: String, reason: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'member_freezes' },
)

export interface MemberAdminModels {
  Request: Model<MemberRequestDoc>
  Decision: Model<MemberRequestDecisionDoc>
  Freeze: Model<MemberFreezeDoc>
}

export function memberAdminModels(conn: Connection): MemberAdminModels {
  return {
    Request: getModel(conn, 'MemberRequest', requestSchema),
    Decision: getModel(conn, 'MemberRequestDecision', decisionSchema),
    Freeze: getModel(conn, 'MemberFreeze', freezeSchema),
  }
}
