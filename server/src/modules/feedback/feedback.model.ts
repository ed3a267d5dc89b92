import { Schema, type Connection, type Model } from 'mongoose'
import type { FeedbackAction, FeedbackCategory, FeedbackStatus } from '@mall/shared'
import { getModel } from '../../db/connect'

/** One change of a ticket, appended to its history (who, when, what, and the status after it). */
export interface FeedbackEventDoc {
  at: Date
  actor: 'member' | 'staff'
  /** the member id or the staff username */
  actorId: string
  action: FeedbackAction
  status: FeedbackStatus
  /** reply, follow-up or resolution text; the assignee for an assignment */
  text: string | null
}

/**
 * A feedback ticket: `_id` = `<memberId>-<n>`, the member's n-th ticket, taken by a unique insert
 * (the client's Idempotency-Key makes a double tap replay the first answer instead of taking n+1).
 * `rev` counts its events; the row is the projection of its changes (FeedbackChangeDoc).
 */
export interface FeedbackTicketDoc {
  _id: string
  memberId: string
  seq: number
  category: FeedbackCategory
  text: string
  storeId: string | null
  /** the row in feedback_photos, written before the ticket; null without a photo */
  photoId: string | null
  status: FeedbackStatus
  assignee: string | null
  createdAt: Date
  updatedAt: Date
  /** first reply or closing (what the member hears back from), for the response-time figures */
  firstResponseAt: Date | null
  closedAt: Date | null
  rev: number
  history: FeedbackEventDoc[]
}

/**
 * One change of a ticket, claimed by a unique insert: `_id` = `<ticketId>#<rev>` (the ticket's rev
 * after it). Of two operators acting at once only one can take the next rev; the other re-reads
 * the ticket and is checked against its new status. The ticket row is brought up to the claimed
 * change by the writer, or by the next change if the writer died in between.
 */
export interface FeedbackChangeDoc {
  _id: string
  ticketId: string
  rev: number
  event: FeedbackEventDoc
}

/** Photo bytes, apart from the ticket so lists never load them. */
export interface FeedbackPhotoDoc {
  _id: string
  memberId: string
  mime: 'image/jpeg' | 'image/png'
  data: Buffer
  createdAt: Date
}

const eventSchema = new Schema<FeedbackEventDoc>(
  { at: Date, actor: String, actorId: String, action: String, status: String, text: { type: String, default: null } },
  { _id: false, versionKey: false },
)
const ticketSchema = new Schema<FeedbackTicketDoc>(
  {
    _id: String,
    memberId: { type: String, required: true },
    seq: Number,
    category: String,
    text: String,
    storeId: { type: String, default: null },
    photoId: { type: String, default: null },
    status: String,
    assignee: { type: String, default: null },
    createdAt: Date,
    updatedAt: Date,
    firstResponseAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    rev: Number,
    history: [eventSchema],
  },
  { versionKey: false, collection: 'feedback_tickets' },
)
ticketSchema.index({ memberId: 1, seq: -1 })
ticketSchema.index({ createdAt: -1 })
ticketSchema.index({ status: 1, createdAt: -1 })
const changeSchema = new Schema<FeedbackChangeDoc>(
  { _id: String, ticketId: String, rev: Number, event: eventSchema },
  { versionKey: false, collection: 'feedback_changes' },
)
const photoSchema = new Schema<FeedbackPhotoDoc>(
  { _id: String, memberId: String, mime: String, data: Buffer, createdAt: Date },
  { versionKey: false, collection: 'feedback_photos' },
)

export interface FeedbackModels {
  Ticket: Model<FeedbackTicketDoc>
  Change: Model<FeedbackChangeDoc>
  Photo: Model<FeedbackPhotoDoc>
}

export const feedbackModels = (conn: Connection): FeedbackModels => ({
  Ticket: getModel(conn, 'FeedbackTicket', ticketSchema),
  Change: getModel(conn, 'FeedbackChange', changeSchema),
  Photo: getModel(conn, 'FeedbackPhoto', photoSchema),
})
