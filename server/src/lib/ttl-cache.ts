import { RecentMap } from './recent-map'

/**
 * A small in-process cache with a time-to-live and a size bound, for rows that change rarely and
 * are read on hot paths (stores, member cards). Values may be up to `ttlMs` stale in other
 * processes; callers invalidate what they change themselves.
 */
export class TtlCache<V> {
  private readonly rows: RecentMap<string, { value: V; until: number }>

  constructor(
    private readonly ttlMs: number,
    maxSize = 10_000,
  ) {
    this.rows = new RecentMap(maxSize)
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.rows.get(key)
    if (hit && hit.until > Date.now()) return hit.value
    const value = await load()
    this.rows.set(key, { value, until: Date.now() + this.ttlMs })
    return value
  }

  invalidate(key: string): void {
    this.rows.delete(key)
  }
}
