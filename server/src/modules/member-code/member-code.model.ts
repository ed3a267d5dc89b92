import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/** A code that has been scanned: `_id` = `<purpose>:<subject>:<step>`; the insert is the single use. */
export interface UsedCodeDoc {
  _id: string
  usedAt: Date
  usedBy: string
  /** after this the row can be swept (FerretDB has no TTL indexes) */
  expiresAt: Date
}

const usedCodeSchema = new Schema<UsedCodeDoc>(
  { _id: String, usedAt: Date, usedBy: String, expiresAt: { type: Date, required: true } },
  { versionKey: false, collection: 'used_codes' },
)
usedCodeSchema.index({ expiresAt: 1 })

export const usedCodeModel = (conn: Connection): Model<UsedCodeDoc> => getModel(conn, 'UsedCode', usedCodeSchema)
