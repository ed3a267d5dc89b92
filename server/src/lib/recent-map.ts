/**
 * A Map bounded to the `maxSize` most recently set keys: setting a key makes it the newest, and the
 * oldest goes when the bound is passed (a Map iterates in insertion order). For per-member and
 * per-till hints kept in memory, so memory stays flat however many members or tills a process sees.
 */
export class RecentMap<K, V> {
  private readonly rows = new Map<K, V>()

  constructor(private readonly maxSize: number) {}

  get(key: K): V | undefined {
    return this.rows.get(key)
  }

  set(key: K, value: V): void {
    this.rows.delete(key) // re-insert: insertion order is the eviction order
    this.rows.set(key, value)
    if (this.rows.size > this.maxSize) this.rows.delete(this.rows.keys().next().value!)
  }

  delete(key: K): void {
    this.rows.delete(key)
  }
}
