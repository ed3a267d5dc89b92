import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/** One staff or operator action. Append-only: nothing updates or deletes these rows. */
export interface AuditDoc {
  _id: string
  requestId: string
  at: Date
  staffId: string | null
  role: string | null
  storeId: string | null
  action: string // 'POST /api/staff/purchases'
  /** what it acted on: receipt, coupon, member, template… (no secrets, codes masked) */
  target: Record<string, unknown>
  outcome: string // 'ok' or the error code
  status: number
  ip: string
  device: string
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: String,
    requestId: String,
    at: { type: Date, required: true },
    staffId: String,
    role: String,
    storeId: String,
    action: String,
    target: Schema.Types.Mixed,
    outcome: String,
    status: Number,
    ip: String,
    device: String,
  },
  { versionKey: false, collection: 'staff_audit', minimize: false },
)
auditSchema.index({ at: -1 })
auditSchema.index({ staffId: 1, at: -1 })

export const auditModel = (conn: Connection): Model<AuditDoc> => getModel(conn, 'StaffAudit', auditSchema)
