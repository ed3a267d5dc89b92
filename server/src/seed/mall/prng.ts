/**
 * A seeded pseudo-random generator (mulberry32) and the draws the demo mall needs: the same seed gives
 * the same mall on every machine, so screenshots and figures can be compared run to run.
 */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** An index drawn with the given (non-negative) weights. */
  weighted(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    let u = this.next() * total
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!
      if (u < 0) return i
    }
    return weights.length - 1
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  /** Log-normal around `median` with spread `sigma` (0.5 = most values within ×0.4–×2.7). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }
}

/** Draws from a fixed table of weights in O(log n): cumulative sums and a binary search. */
export class WeightedTable {
  private readonly cumulative: number[] = []

  constructor(weights: readonly number[]) {
    let sum = 0
    for (const w of weights) this.cumulative.push((sum += w))
  }

  get total(): number {
    return this.cumulative[this.cumulative.length - 1] ?? 0
  }

  /** An index whose cumulative weight range holds `u × total`, only among indexes ≥ `from`. */
  draw(rng: Prng, from = 0): number {
    const base = from > 0 ? this.cumulative[from - 1]! : 0
    const target = base + rng.next() * (this.total - base)
    let lo = from
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cumulative[mid]! > target) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
