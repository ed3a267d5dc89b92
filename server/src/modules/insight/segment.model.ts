import { Schema, type Connection, type Model } from 'mongoose'
import type { SegmentBody } from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * One version of a saved segment: `_id` = `<segmentId>:<version>`. Append-only; the newest version
 * IS the segment (its `after`, or deleted when `after` is null). Saving version n+1 is an insert of
 * that key, so two operators saving over the same version cannot both win (the loser gets 409).
 */
export interface SegmentVersionDoc {
  _id: string
  segmentId: string
  version: number
  action: 'create' | 'update' | 'delete'
  changedBy: string
  changedAt: Date
  before: SegmentBody | null
  after: SegmentBody | null
  note: string
}

const schema = new Schema<SegmentVersionDoc>(
  {
    _id: String,
    segmentId: { type: String, required: true },
    version: Number,
    action: String,
    changedBy: String,
    changedAt: Date,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    note: String,
  },
  { versionKey: false, collection: 'segment_versions', minimize: false },
)
schema.index({ segmentId: 1, version: -1 })

export const segmentVersionModel = (conn: Connection): Model<SegmentVersionDoc> =>
  getModel(conn, 'SegmentVersion', schema)
export const segmentVersionId = (segmentId: string, version: number) => `${segmentId}:${version}`
