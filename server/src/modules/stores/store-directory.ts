import type { Connection, Model } from 'mongoose'
import { DomainError } from '../../errors/domain-error'
import { TtlCache } from '../../lib/ttl-cache'
import { storeModel, type StoreDoc } from './store.model'

// How stale a store's row may be in other processes after a console change (this one forgets at once).
const STORE_CACHE_MS = 30_000

/**
 * The stores purchases are recorded at, as every channel of the earn pipeline checks them: active,
 * with their multiplier, category and opening hours. Read on every purchase, so cached.
 */
export class StoreDirectory {
  private readonly Store: Model<StoreDoc>
  private readonly stores = new TtlCache<StoreDoc>(STORE_CACHE_MS)

  constructor(conn: Connection) {
    this.Store = storeModel(conn)
  }

  /** The store if it exists and is active; STORE.NOT_FOUND otherwise. */
  async active(storeId: string): Promise<StoreDoc> {
    const store = await this.stores.get(
      storeId,
      () => this.Store.findById(storeId).lean<StoreDoc>().exec() as Promise<StoreDoc>,
    )
    if (!store || !store.active) throw new DomainError('STORE.NOT_FOUND', 'store not found')
    return store
  }

  /** A store was changed in the console: the next purchase there reads it afresh. */
  forget(storeId: string): void {
    this.stores.invalidate(storeId)
  }
}
