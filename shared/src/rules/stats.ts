/** Small statistics for the KPI figures; every rounding rule lives here once. */

/** a / b as a percentage with two decimals (50.25 = 50.25 %); 0 when b is 0. */
export function percent(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 10_000) / 100
}

/** The median (mean of the middle two for an even count), or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
