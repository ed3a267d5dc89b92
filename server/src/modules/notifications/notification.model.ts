import { Schema, type Connection, type Model } from 'mongoose'
import type { NotificationKind } from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * One message the member's one-time subscription allows: `_id` = `<member>:<template>:<n>`,
 * n = 1, 2, 3… without gaps, inserted once per accepted request (insert-only).
 */
export interface CreditDoc {
  _id: string
  memberId: string
  templateId: string
  n: number
  at: Date
}

/** A credit spent on a message: `_id` = the credit's, so a credit pays for one message only. */
export interface CreditUseDoc {
  _id: string
  messageId: string
  at: Date
}

/**
 * Per member and template, `_id` = `<member>:<template>`: the highest credit and use numbers seen
 * (`$max`, hints: readers probe past them). Written before the member's first credit of the
 * template, so a member without this row has none (readers trust that). The rows of a template
 * are its subscribers, for the jobs.
 */
export interface SubscriptionDoc {
  _id: string
  memberId: string
  templateId: string
  granted: number
  used: number
  at: Date
}

export type DeliveryOutcome = 'claimed' | 'sent' | 'refused' | 'no_credit' | 'failed'

/**
 * One message, claimed before it is sent: `_id` = `<kind>:<member>:<subject>` (the purchase, the
 * reply, the lot batch, the coupon), so it goes out at most once, whichever process gets there first.
 * `outcome` records what became of it.
 */
export interface MessageDoc {
  _id: string
  kind: NotificationKind
  memberId: string
  subject: string
  templateId: string
  at: Date
  outcome: DeliveryOutcome
  errcode: number | null
  credit: number | null
}

const creditSchema = new Schema<CreditDoc>(
  { _id: String, memberId: String, templateId: String, n: Number, at: Date },
  { versionKey: false, collection: 'notification_credits' },
)
const useSchema = new Schema<CreditUseDoc>(
  { _id: String, messageId: String, at: Date },
  { versionKey: false, collection: 'notification_credit_uses' },
)
const subscriptionSchema = new Schema<SubscriptionDoc>(
  { _id: String, memberId: String, templateId: String, granted: Number, used: Number, at: Date },
  { versionKey: false, collection: 'notification_subscriptions' },
)
subscriptionSchema.index({ templateId: 1 }) // the jobs' subscribers (on MongoDB)
const messageSchema = new Schema<MessageDoc>(
  {
    _id: String,
    kind: String,
    memberId: String,
    subject: String,
    templateId: String,
    at: Date,
    outcome: String,
    errcode: { type: Number, default: null },
    credit: { type: Number, default: null },
  },
  { versionKey: false, collection: 'notification_messages' },
)

export interface NotificationModels {
  Credit: Model<CreditDoc>
  Use: Model<CreditUseDoc>
  Subscription: Model<SubscriptionDoc>
  Message: Model<MessageDoc>
}

export function notificationModels(conn: Connection): NotificationModels {
  return {
    Credit: getModel(conn, 'NotificationCredit', creditSchema),
    Use: getModel(conn, 'NotificationCreditUse', useSchema),
    Subscription: getModel(conn, 'NotificationSubscription', subscriptionSchema),
    Message: getModel(conn, 'NotificationMessage', messageSchema),
  }
}
