import type { Connection, Model } from 'mongoose'
import type { ConfigVersionView, StoreCreateRequest, StoreUpdateRequest, StoreView } from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import { storeModel, type StoreDoc } from './store.model'

/** The store fields operators configure (recorded as before/after). */
type StoreConfig = Omit<StoreView, 'id' | 'version'>

const LIST_LIMIT = 1000

function snapshot(s: StoreDoc): StoreConfig {
  // Stores seeded before the console may lack fields the schema defaults (lean reads skip defaults).
  return {
    name: s.name,
    floor: s.floor,
    category: s.category,
    multiplierPermille: s.multiplierPermille ?? 1000,
    opensAt: s.opensAt ?? '10:00',
    closesAt: s.closesAt ?? '22:00',
    active: s.active ?? true,
    ...(s.logoUrl ? { logoUrl: s.logoUrl } : {}),
  }
}

const toView = (s: StoreDoc): StoreView => ({ id: s._id, ...snapshot(s), version: s.configVersion ?? 0 })

/**
 * Operators create and edit stores; every change is a version in the config history. `onChanged`
 * tells in-process caches (the purchase path keeps stores for 30 s) to drop the store, so a new
 * multiplier or opening hours apply to the next purchase in this process.
 */
export class StoreAdminService {
  private readonly Store: Model<StoreDoc>
  private readonly versions: ConfigHistory<StoreDoc, StoreConfig>

  constructor(
    conn: Connection,
    private readonly onChanged: (storeId: string) => void,
  ) {
    this.Store = storeModel(conn)
    const subject: ConfigSubject<StoreDoc, StoreConfig> = {
      kind: 'store',
      load: (id) => this.Store.findById(id).lean<StoreDoc>().exec(),
      notFound: (id) => new DomainError('STORE.NOT_FOUND', `store ${id} not found`),
      snapshot,
      apply: async (id, after, version) => {
        // a version without a logo clears one the store had
        await writeVersion(this.Store, id, version, { logoUrl: '', ...after })
        this.onChanged(id)
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  async list(): Promise<StoreView[]> {
    const rows = await this.Store.find({}).sort({ _id: 1 }).limit(LIST_LIMIT).lean<StoreDoc[]>().exec()
    return rows.map(toView)
  }

  async create(input: StoreCreateRequest, staffId: string, at: Date): Promise<StoreView> {
    const { id, note, logoUrl, ...fields } = input
    const config: StoreConfig = logoUrl ? { ...fields, logoUrl } : fields
    const doc: StoreDoc = { _id: id, ...config, configVersion: 1 }
    if (!(await insertOnce(this.Store, doc as never)))
      throw new DomainError('CONFIG.ALREADY_EXISTS', `store ${id} exists`)
    await this.versions.created(id, config, { changedBy: staffId, at, note })
    this.onChanged(id) // a lookup of this id before it existed may be cached as "no such store"
    return toView(doc)
  }

  async update(id: string, input: StoreUpdateRequest, staffId: string, at: Date): Promise<StoreView> {
    const { version, note, logoUrl, ...config } = input
    // An editor that does not know about logos (older console) keeps the store's logo.
    const edit = (before: StoreConfig): StoreConfig => {
      const logo = logoUrl ?? before.logoUrl ?? ''
      return logo ? { ...config, logoUrl: logo } : config
    }
    return toView(await this.versions.change(id, version, edit, { changedBy: staffId, at, note }))
  }

  history(id: string): Promise<ConfigVersionView[]> {
    return this.versions.history(id)
  }
}
