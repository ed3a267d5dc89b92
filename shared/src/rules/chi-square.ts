/**
 * Pearson's chi-square goodness-of-fit test, for the lottery's fairness report. The p-value needs the
 * chi-square survival function, which is the regularized upper incomplete gamma function
 * Q(df/2, x/2). It is written here (series below a + 1, Lentz's continued fraction above, as in
 * Numerical Recipes §6.2) rather than taken from a library: `shared/` is bundled into the
 * mini-program and stays free of dependencies, and the one stats package the registry serves for
 * this (@stdlib's chisquare-cdf) brings dozens of micro-packages. Checked against published table
 * values in shared/test/chi-square.test.ts.
 */

const EPSILON = 1e-14
const MAX_ITERATIONS = 10_000
const TINY = 1e-300

// Lanczos approximation (g = 7, n = 9): ln Γ(z) to about 15 significant digits for z > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z)
  const x = z - 1
  let sum = LANCZOS[0]!
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (x + i)
  const t = x + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a))
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const step = d * c
    h *= step
    if (Math.abs(step - 1) < EPSILON) break
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError('regularizedGammaQ needs a > 0 and x >= 0')
  if (x === 0) return 1
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x)
}

/** P(X ≥ x) for X chi-square distributed with `df` degrees of freedom: the test's p-value. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError('degrees of freedom must be positive')
  if (x <= 0) return 1
  return Math.min(1, Math.max(0, regularizedGammaQ(df / 2, x / 2)))
}

export interface GoodnessOfFit {
  statistic: number
  degreesOfFreedom: number
  /** chance of a deviation at least this large if the draw is fair; small (< 0.01) means suspicious */
  pValue: number
}

/**
 * Pearson's test of observed counts against expected probabilities (which sum to 1). Categories
 * with probability 0 are left out (nothing can be observed there; an observation there is a bug the
 * caller reports on its own). Null when fewer than two categories can occur or nothing was observed.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  probabilities: readonly number[],
): GoodnessOfFit | null {
  const total = observed.reduce((s, n) => s + n, 0)
  let statistic = 0
  let categories = 0
  for (let i = 0; i < observed.length; i++) {
    const p = probabilities[i] ?? 0
    if (p <= 0) continue
    const expected = total * p
    statistic += (observed[i]! - expected) ** 2 / expected
    categories++
  }
  if (total === 0 || categories < 2) return null
  const degreesOfFreedom = categories - 1
  return { statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom) }
}
