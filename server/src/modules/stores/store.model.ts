import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

export interface StoreDoc {
  _id: string
  name: string
  floor: string
  category: string
  /** per-store points multiplier in per-mille (1000 = 1×) */
  multiplierPermille: number
  /** opening hours in Shanghai time, 'HH:MM' */
  opensAt: string
  closesAt: string
  active: boolean
  /** https image shown in the member app's store directory; absent = the name's first character */
  logoUrl?: string
  /** the last console change applied (config_versions); absent for stores never edited there */
  configVersion?: number
}

const storeSchema = new Schema<StoreDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    floor: { type: String, required: true },
    category: { type: String, required: true },
    multiplierPermille: { type: Number, default: 1000 },
    opensAt: { type: String, default: '10:00' },
    closesAt: { type: String, default: '22:00' },
    active: { type: Boolean, default: true },
    logoUrl: String,
    configVersion: Number,
  },
  { versionKey: false, collection: 'stores' },
)

export const storeModel = (conn: Connection): Model<StoreDoc> => getModel(conn, 'Store', storeSchema)
