import { chiSquareGoodnessOfFit, type GoodnessOfFit } from './chi-square'

/**
 * The points lottery's pure rules. Probabilities are integers in parts per million (ppm) that sum to
 * exactly one million, so the draw is exact integer arithmetic: the server takes one uniform integer
 * in [0, 1,000,000) from a cryptographic RNG (crypto.randomInt, rejection-sampled, so unbiased),
 * stores it with the draw, and the prize is the one whose cumulative range contains it. Anyone can
 * recompute a stored draw's prize from its RNG output and the version's prizes.
 */
export const LOTTERY_RNG_RANGE = 1_000_000

export interface WeightedPrize {
  id: string
  probabilityPpm: number
}

/** The prize whose cumulative ppm range holds `rng` (prizes in their configured order). */
export function drawPrize<P extends WeightedPrize>(prizes: readonly P[], rng: number): P {
  if (!Number.isInteger(rng) || rng < 0 || rng >= LOTTERY_RNG_RANGE) throw new RangeError(`rng out of range: ${rng}`)
  let upper = 0
  for (const prize of prizes) {
    upper += prize.probabilityPpm
    if (rng < upper) return prize
  }
  throw new RangeError('prize probabilities do not add up to 1,000,000 ppm')
}

/** A prize line of the fairness report: what was configured, what the RNG picked. */
export interface PrizeFairness {
  prizeId: string
  probabilityPpm: number
  expected: number
  observed: number
  /** observed share in ppm, for comparing with the configured one */
  observedPpm: number
}

export interface FairnessReport {
  draws: number
  prizes: PrizeFairness[]
  /** Pearson's chi-square over the prizes with a probability above 0; null with too few draws or prizes */
  test: GoodnessOfFit | null
  /** draws whose RNG output landed on a prize configured at probability 0 (must be 0; a bug otherwise) */
  impossible: number
}

/**
 * Compares how often the RNG picked each prize (the picked prize, before any sold-out or budget
 * fallback, which is what the probabilities promise) with the configured probabilities.
 */
export function fairnessReport(prizes: readonly WeightedPrize[], picks: ReadonlyMap<string, number>): FairnessReport {
  const draws = [...picks.values()].reduce((s, n) => s + n, 0)
  const lines = prizes.map((p) => {
    const observed = picks.get(p.id) ?? 0
    return {
      prizeId: p.id,
      probabilityPpm: p.probabilityPpm,
      expected: (draws * p.probabilityPpm) / LOTTERY_RNG_RANGE,
      observed,
      observedPpm: draws === 0 ? 0 : Math.round((observed / draws) * LOTTERY_RNG_RANGE),
    }
  })
  const test = chiSquareGoodnessOfFit(
    lines.map((l) => l.observed),
    lines.map((l) => l.probabilityPpm / LOTTERY_RNG_RANGE),
  )
  const impossible = lines.filter((l) => l.probabilityPpm === 0).reduce((s, l) => s + l.observed, 0)
  return { draws, prizes: lines, test, impossible }
}

/** Counts the prize the RNG picked for each stored output. */
export function countPicks(prizes: readonly WeightedPrize[], rngOutputs: Iterable<number>): Map<string, number> {
  const picks = new Map<string, number>()
  for (const rng of rngOutputs) {
    const id = drawPrize(prizes, rng).id
    picks.set(id, (picks.get(id) ?? 0) + 1)
  }
  return picks
}

/** Draws left today: the limit less the draws taken (each draw holds one of the day's numbered slots). */
export function drawsLeft(dailyLimit: number, drawsToday: number): number {
  return Math.max(0, dailyLimit - drawsToday)
}

/** ppm as a percentage string for people (250000 → "25%", 12345 → "1.2345%"). */
export function ppmToPercent(ppm: number): string {
  return `${Number((ppm / 10_000).toFixed(4))}%`
}
