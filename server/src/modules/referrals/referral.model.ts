import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

export type ReferralStatus = 'registered' | 'qualified' | 'rewarded' | 'capped' | 'reversed'

/** `_id` = the invitee: a member is attributed to at most one inviter, once. */
export interface ReferralDoc {
  _id: string
  inviterId: string
  status: ReferralStatus
  createdAt: Date
  qualifyingPurchase: string | null
  qualifiedAt: Date | null
  inviterRewardPoints: number
  inviteeRewardPoints: number
}

/**
 * Reward slot of an inviter in a period: `_id` = `<inviter>:<period>:<n>` with n ≤ the cap, and a
 * unique (inviteeId, kind) so one friend never takes two slots. The insert is the cap check.
 */
export interface ReferralCapDoc {
  _id: string
  inviterId: string
  inviteeId: string
  kind: 'day' | 'month'
}

const referralSchema = new Schema<ReferralDoc>(
  {
    _id: String,
    inviterId: { type: String, required: true },
    status: String,
    createdAt: Date,
    qualifyingPurchase: { type: String, default: null },
    qualifiedAt: { type: Date, default: null },
    inviterRewardPoints: Number,
    inviteeRewardPoints: Number,
  },
  { versionKey: false, collection: 'referrals' },
)
referralSchema.index({ inviterId: 1 })
referralSchema.index({ status: 1 })
const capSchema = new Schema<ReferralCapDoc>(
  { _id: String, inviterId: String, inviteeId: String, kind: String },
  { versionKey: false, collection: 'referral_caps' },
)
capSchema.index({ inviteeId: 1, kind: 1 }, { unique: true })

export const referralModels = (conn: Connection): { Referral: Model<ReferralDoc>; Cap: Model<ReferralCapDoc> } => ({
  Referral: getModel(conn, 'Referral', referralSchema),
  Cap: getModel(conn, 'ReferralCap', capSchema),
})
