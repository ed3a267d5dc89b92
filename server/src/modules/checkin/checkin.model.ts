import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/** One check-in: `_id` = `<memberId>:<yyyy-mm-dd>` (Shanghai day), so a day can be checked once. */
export interface CheckinDoc {
  _id: string
  memberId: string
  day: string
  kind: 'daily' | 'makeup'
  at: Date
  streak: number
  rewardPoints: number
  milestoneDay: number | null
  makeupCardsEarned: number
  /** set once the reward posting (keyed to this check-in) and earned cards are written */
  rewarded: boolean
}

/** A make-up card (补签卡): earned at a streak milestone or bought with points (pending → active saga). */
export interface MakeupCardDoc {
  _id: string
  memberId: string
  source: 'milestone' | 'purchase'
  state: 'pending' | 'active' | 'used'
  usedFor: string | null
  createdAt: Date
}

/**
 * Use of a make-up card: `_id` = `<memberId>:<yyyy-mm>:<n>` with n ≤ the monthly cap, and a unique
 * `cardId`: one insert enforces both the monthly cap and that a card is used once.
 */
export interface MakeupUseDoc {
  _id: string
  memberId: string
  cardId: string
  day: string
  at: Date
}

/** A member's one-time WeChat subscription to the check-in reminder. */
export interface CheckinReminderDoc {
  _id: string
  openid: string | null
  subscribedAt: Date
  lastSentDay: string | null
}

const checkinSchema = new Schema<CheckinDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    day: String,
    kind: String,
    at: Date,
    streak: Number,
    rewardPoints: Number,
    milestoneDay: { type: Number, default: null },
    makeupCardsEarned: Number,
    rewarded: Boolean,
  },
  { versionKey: false, collection: 'checkins' },
)
checkinSchema.index({ rewarded: 1, at: 1 })
const cardSchema = new Schema<MakeupCardDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    source: String,
    state: String,
    usedFor: { type: String, default: null },
    createdAt: Date,
  },
  { versionKey: false, collection: 'makeup_cards' },
)
cardSchema.index({ memberId: 1, state: 1 })
cardSchema.index({ state: 1, createdAt: 1 }) // the sweeper's unpaid cards (on MongoDB)
const useSchema = new Schema<MakeupUseDoc>(
  { _id: String, memberId: String, cardId: { type: String, required: true, unique: true }, day: String, at: Date },
  { versionKey: false, collection: 'makeup_uses' },
)
const reminderSchema = new Schema<CheckinReminderDoc>(
  {
    _id: String,
    openid: { type: String, default: null },
    subscribedAt: Date,
    lastSentDay: { type: String, default: null },
  },
  { versionKey: false, collection: 'checkin_reminders' },
)

export interface CheckinModels {
  Checkin: Model<CheckinDoc>
  Card: Model<MakeupCardDoc>
  Use: Model<MakeupUseDoc>
  Reminder: Model<CheckinReminderDoc>
}

export function checkinModels(conn: Connection): CheckinModels {
  return {
    Checkin: getModel(conn, 'Checkin', checkinSchema),
    Card: getModel(conn, 'MakeupCard', cardSchema),
    Use: getModel(conn, 'MakeupUse', useSchema),
    Reminder: getModel(conn, 'CheckinReminder', reminderSchema),
  }
}
