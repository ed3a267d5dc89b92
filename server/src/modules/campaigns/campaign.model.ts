import { Schema, type Connection, type Model } from 'mongoose'
import type { CampaignInput, CampaignStatus } from '@mall/shared'
import { getModel } from '../../db/connect'

export type CampaignDoc = CampaignInput & {
  _id: string
  status: CampaignStatus
  createdBy: string
  createdAt: Date
  stoppedBy: string | null
  stoppedAt: Date | null
}

/**
 * One grant IS one unit of the budget: `_id` = `<campaignId>#<slot>` with slot ≤ budget.maxGrants,
 * and the unique (campaignId, memberKey) index grants a member once per period on the same insert,
 * as coupon slots do for stock and per-member limits. No counter is read-checked-then-written.
 */
export interface CampaignGrantDoc {
  _id: string
  campaignId: string
  slot: number
  memberId: string
  /** `<memberId>:<period>`: the year for birthday gifts, 'once' otherwise */
  memberKey: string
  /** granted: budget taken, reward not yet posted (a crash here is finished by the sweeper) */
  state: 'granted' | 'rewarded'
  points: number
  couponId: string | null
  /** why the coupon part could not be given (sold out…), if so */
  couponRefusal: string | null
  at: Date
}

/**
 * Highest slot known to be taken; a lost `$max` only costs a probe. Kept off the campaign document so it
 * never races a kill.
 */
interface CampaignGrantHintDoc {
  _id: string
  slots: number
}

const campaignSchema = new Schema<CampaignDoc>(
  {
    _id: String,
    name: String,
    kind: String,
    segmentId: { type: String, default: null },
    reward: Schema.Types.Mixed,
    budget: Schema.Types.Mixed,
    startsAt: String,
    endsAt: String,
    status: String,
    createdBy: String,
    createdAt: Date,
    stoppedBy: { type: String, default: null },
    stoppedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'campaigns', minimize: false },
)
const grantSchema = new Schema<CampaignGrantDoc>(
  {
    _id: String,
    campaignId: String,
    slot: Number,
    memberId: String,
    memberKey: String,
    state: String,
    points: Number,
    couponId: { type: String, default: null },
    couponRefusal: { type: String, default: null },
    at: Date,
  },
  { versionKey: false, collection: 'campaign_grants' },
)
grantSchema.index({ campaignId: 1, memberKey: 1 }, { unique: true })
grantSchema.index({ state: 1, at: 1 }) // the sweeper's unrewarded grants (on MongoDB)
const hintSchema = new Schema<CampaignGrantHintDoc>(
  { _id: String, slots: Number },
  { versionKey: false, collection: 'campaign_grant_hints' },
)

export interface CampaignModels {
  Campaign: Model<CampaignDoc>
  Grant: Model<CampaignGrantDoc>
  Hint: Model<CampaignGrantHintDoc>
}

export function campaignModels(conn: Connection): CampaignModels {
  return {
    Campaign: getModel(conn, 'Campaign', campaignSchema),
    Grant: getModel(conn, 'CampaignGrant', grantSchema),
    Hint: getModel(conn, 'CampaignGrantHint', hintSchema),
  }
}

export const grantId = (campaignId: string, slot: number) => `${campaignId}#${slot}`
