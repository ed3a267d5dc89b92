/**
 * A small in-process cache with a time-to-live and a size bound, for rows that change rarely and
 * are read on hot paths (stores, member cards). Values may be up to `ttlMs` stale in other
 * processes; callers invalidate what they change themselves.
 */
export class TtlCache<V> {
  private readonly rows = new Map<string, { value: V; until: number }>()

  constructor(private readonly ttlMs: number, private readonly maxSize = 10_000) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.rows.get(key)
    if (hit && hit.until > Date.now()) return hit.value
    const value = await load()
    this.rows.delete(key)
    this.rows.set(key, { value, until: Date.now() + this.ttlMs })
    if (this.rows.size > this.maxSize) this.rows.delete(this.rows.keys().next().value!)
    return value
  }

  invalidate(key: string): void {
    this.rows.delete(key)
  }
}
