import { Schema, type Connection, type Model } from 'mongoose'
import type { HomeAnnouncement, HomeBanner, HomeEvent } from '@mall/shared'
import { getModel } from '../../db/connect'

/** The member app's home page content: one document, `_id` = 'home', changed through the config history. */
export interface HomeContentDoc {
  _id: string
  banners: HomeBanner[]
  announcements: HomeAnnouncement[]
  events: HomeEvent[]
  /** the last version applied (config_versions, kind home_content); absent until the first edit */
  configVersion?: number
}

const schema = new Schema<HomeContentDoc>(
  {
    _id: String,
    banners: { type: Schema.Types.Mixed, default: () => [] },
    announcements: { type: Schema.Types.Mixed, default: () => [] },
    events: { type: Schema.Types.Mixed, default: () => [] },
    configVersion: Number,
  },
  { versionKey: false, collection: 'home_content', minimize: false },
)

export const homeContentModel = (conn: Connection): Model<HomeContentDoc> => getModel(conn, 'HomeContent', schema)
