import { Schema, type Connection, type Model } from 'mongoose'
import type { StaffRole } from '@mall/shared'
import { getModel } from '../../db/connect'
import type { StaffTotp } from '../auth/operator-totp'

/** A staff account; `_id` is the lower-case username so login is an `_id` lookup. */
export interface StaffDoc {
  _id: string
  displayName: string
  passwordHash: string
  role: StaffRole
  /** null for mall-level accounts (service desk, operators) */
  storeId: string | null
  failedLogins: number
  lockedUntil: Date | null
  active: boolean
  /** the last console change applied (config_versions); absent for accounts never edited there */
  configVersion?: number
  /** an operator's second factor once enrolled (docs/privacy-security.md) */
  totp?: StaffTotp | null
}

const staffSchema = new Schema<StaffDoc>(
  {
    _id: String,
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: ['clerk', 'manager', 'operator'] },
    storeId: { type: String, default: null },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    active: { type: Boolean, default: true },
    configVersion: Number,
    totp: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, collection: 'staff' },
)

export const staffModel = (conn: Connection): Model<StaffDoc> => getModel(conn, 'Staff', staffSchema)
