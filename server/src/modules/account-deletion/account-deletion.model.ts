import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'
import type { TransitionRow } from '../../db/transitions'

/**
 * A member's deletion requests as a chain (`<member>:deletion:1`, `:2`, …): a new request is the insert of
 * the row after the newest, so of 20 racing requests one is the request. `closed` is a cache saying the
 * request's decision is settled (the job skips closed ones); no decision rests on it.
 */
export interface DeletionRequestDoc extends TransitionRow {
  memberId: string
  n: number
  /** when the cooling-off ends and the job may erase the account */
  dueAt: Date
  closed: boolean
}

/**
 * What became of request n, `_id` = `<member>:deletion:<n>:decision`: the member's cancel and the job's
 * erase race for this one insert, so an account cancelled is never erased and one erased is never
 * cancelled. `settled` once every erase step is done (a crash leaves it false for the job to finish).
 */
export interface DeletionDecisionDoc extends TransitionRow {
  memberId: string
  requestId: string
  outcome: 'cancelled' | 'erased'
}

/** A coupon voided because its holder's account was erased, `_id` = `<coupon>:void` (decided by the insert). */
export interface CouponVoidDoc extends TransitionRow {
  couponId: string
  memberId: string
  reason: 'account-deletion'
}

export const deletionRequestId = (memberId: string, n: number) => `${memberId}:deletion:${n}`
export const deletionDecisionId = (requestId: string) => `${requestId}:decision`
export const couponVoidId = (couponId: string) => `${couponId}:void`

const requestSchema = new Schema<DeletionRequestDoc>(
  { _id: String, memberId: String, n: Number, at: Date, dueAt: Date, closed: Boolean, settled: Boolean },
  { versionKey: false, collection: 'account_deletion_requests' },
)
requestSchema.index({ closed: 1, dueAt: 1 })

const decisionSchema = new Schema<DeletionDecisionDoc>(
  { _id: String, memberId: String, requestId: String, outcome: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'account_deletion_decisions' },
)

const voidSchema = new Schema<CouponVoidDoc>(
  { _id: String, couponId: String, memberId: String, reason: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'coupon_voids' },
)

export interface AccountDeletionModels {
  Request: Model<DeletionRequestDoc>
  Decision: Model<DeletionDecisionDoc>
  CouponVoid: Model<CouponVoidDoc>
}

export function accountDeletionModels(conn: Connection): AccountDeletionModels {
  return {
    Request: getModel(conn, 'AccountDeletionRequest', requestSchema),
    Decision: getModel(conn, 'AccountDeletionDecision', decisionSchema),
    CouponVoid: getModel(conn, 'CouponVoid', voidSchema),
  }
}
