import { trusted, type Connection, type Model } from 'mongoose'
import {
  shanghaiDay,
  type ConfigVersionView,
  type DirectoryStore,
  type HomeContentConfig,
  type HomeContentUpdateRequest,
  type HomeContentView,
  type MemberHomeView,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import { DomainError } from '../../errors/domain-error'
import { storeModel, type StoreDoc } from '../stores/store.model'
import { homeContentModel, type HomeContentDoc } from './home-content.model'

const HOME_ID = 'home'
const DIRECTORY_LIMIT = 500
/** Every member opening the app reads the home page: one process serves it from memory this long. */
const CACHE_MS = 15_000

const EMPTY: HomeContentConfig = { banners: [], announcements: [], events: [] }

const snapshot = (d: HomeContentDoc): HomeContentConfig => ({
  banners: d.banners ?? [],
  announcements: d.announcements ?? [],
  events: d.events ?? [],
})

/**
 * Operators edit the home page as one versioned document (who changed what, when; a stale edit is
 * refused with CONFIG.VERSION_CONFLICT). Members read it with the directory of open stores.
 */
export class HomeContentService {
  private readonly Home: Model<HomeContentDoc>
  private readonly Store: Model<StoreDoc>
  private readonly versions: ConfigHistory<HomeContentDoc, HomeContentConfig>
  private cached: { content: HomeContentConfig; stores: DirectoryStore[]; until: number } | null = null

  constructor(conn: Connection) {
    this.Home = homeContentModel(conn)
    this.Store = storeModel(conn)
    const subject: ConfigSubject<HomeContentDoc, HomeContentConfig> = {
      kind: 'home_content',
      load: (id) => this.Home.findById(id).lean<HomeContentDoc>().exec(),
      notFound: () => new DomainError('INTERNAL', 'home content row missing'),
      snapshot,
      apply: async (id, after, version) => {
        await writeVersion(this.Home, id, version, after)
        this.cached = null
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  async get(): Promise<HomeContentView> {
    const doc = await this.existing()
    return doc ? { ...snapshot(doc), version: doc.configVersion ?? 0 } : { ...EMPTY, version: 0 }
  }

  async update(input: HomeContentUpdateRequest, staffId: string, at: Date): Promise<HomeContentView> {
    const { version, note, ...config } = input
    // The row is created only by an edit from version 0 (the empty page): a refused edit writes nothing.
    if (!(await this.existing())) {
      if (version !== 0) throw new DomainError('CONFIG.VERSION_CONFLICT', 'home content was changed by someone else')
      await insertOnce(this.Home, { _id: HOME_ID, ...EMPTY })
    }
    const doc = await this.versions.change(HOME_ID, version, () => config, { changedBy: staffId, at, note })
    return { ...snapshot(doc), version: doc.configVersion ?? 0 }
  }

  async history(): Promise<ConfigVersionView[]> {
    return (await this.existing()) ? this.versions.history(HOME_ID) : []
  }

  /** The member's home page: banners, announcements, events not yet ended, and the open stores. */
  async forMembers(now: Date): Promise<MemberHomeView> {
    if (!this.cached || this.cached.until <= now.getTime()) {
      const [doc, stores] = await Promise.all([
        this.Home.findById(HOME_ID).lean<HomeContentDoc>().exec(),
        this.directory(),
      ])
      this.cached = {
        content: doc ? snapshot(doc) : snapshot({ _id: HOME_ID } as HomeContentDoc),
        stores,
        until: now.getTime() + CACHE_MS,
      }
    }
    const today = shanghaiDay(now)
    const { content, stores } = this.cached
    return {
      banners: content.banners,
      announcements: [...content.announcements].sort((a, b) => b.publishedOn.localeCompare(a.publishedOn)),
      events: content.events.filter((e) => e.endsOn >= today).sort((a, b) => a.startsOn.localeCompare(b.startsOn)),
      stores,
    }
  }

  /** The home row with every recorded change applied, or null before the first edit. */
  private async existing(): Promise<HomeContentDoc | null> {
    if (!(await this.Home.exists({ _id: HOME_ID }).exec())) return null
    return this.versions.current(HOME_ID)
  }

  private async directory(): Promise<DirectoryStore[]> {
    const rows = await this.Store.find({ active: trusted({ $ne: false }) })
      .sort({ floor: 1, name: 1 })
      .limit(DIRECTORY_LIMIT)
      .lean<StoreDoc[]>()
      .exec()
    return rows.map((s) => ({
      id: s._id,
      name: s.name,
      floor: s.floor ?? '',
      category: s.category ?? '',
      opensAt: s.opensAt ?? '10:00',
      closesAt: s.closesAt ?? '22:00',
      logoUrl: s.logoUrl ?? '',
    }))
  }
}
