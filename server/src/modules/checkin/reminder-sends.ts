import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/**
 * A check-in reminder claimed for sending: `_id` = `<memberId>:<day>`, inserted before WeChat is called,
 * so two processes running the reminders (or a rerun after a lease takeover) never send one twice.
 * A send cut off after the claim is not retried: better a missed reminder than two.
 */
export interface ReminderSendDoc {
  _id: string
  at: Date
  /** a claim is worth keeping only past its day (the transient-rows sweeper deletes it then) */
  expiresAt: Date
}

const schema = new Schema<ReminderSendDoc>(
  { _id: String, at: Date, expiresAt: Date },
  { versionKey: false, collection: 'checkin_reminder_sends' },
)
schema.index({ expiresAt: 1 })

export const reminderSendModel = (conn: Connection): Model<ReminderSendDoc> =>
  getModel(conn, 'CheckinReminderSend', schema)
