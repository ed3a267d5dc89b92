import { chiSquareGoodnessOfFit, chiSquareSurvival, logGamma, regularizedGammaQ } from '../src'

describe('chi-square survival function (hand-written regularized gamma)', () => {
  it('matches published critical values of the chi-square table', () => {
    // [df, critical value, upper-tail probability] from the NIST/SEMATECH e-Handbook table 1.3.6.7.4.
    const table: [number, number, number][] = [
      [1, 3.841, 0.05],
      [1, 6.635, 0.01],
      [2, 5.991, 0.05],
      [3, 0.352, 0.95],
      [5, 15.086, 0.01],
      [7, 24.322, 0.001],
      [10, 18.307, 0.05],
      [10, 3.94, 0.95],
      [30, 43.773, 0.05],
      [100, 124.342, 0.05],
      [100, 149.449, 0.001],
    ]
    for (const [df, x, p] of table) expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 3)
  })

  it('agrees with the closed forms: df = 2 is e^(-x/2), and Q(1, x) = e^(-x)', () => {
    for (const x of [0.001, 0.5, 1, 2, 7.5, 20, 60]) {
      expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12)
      expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 12)
    }
  })

  it('takes both branches (series below a + 1, continued fraction above) continuously', () => {
    const a = 4.5
    const below = regularizedGammaQ(a, a + 1 - 1e-9)
    const above = regularizedGammaQ(a, a + 1 + 1e-9)
    expect(Math.abs(below - above)).toBeLessThan(1e-8)
  })

  it('ln Γ matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 10)
    expect(logGamma(1)).toBeCloseTo(0, 12)
  })

  it('is 1 at x = 0 and refuses nonsense', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1)
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError)
    expect(() => regularizedGammaQ(-1, 1)).toThrow(RangeError)
  })
})

describe("Pearson's goodness of fit", () => {
  it('computes the statistic and p-value of a textbook example', () => {
    // A die rolled 60 times: observed 5, 8, 9, 8, 10, 20 against 10 each → χ² = 13.4, df 5, p ≈ 0.0199.
    const fit = chiSquareGoodnessOfFit([5, 8, 9, 8, 10, 20], Array(6).fill(1 / 6))!
    expect(fit.statistic).toBeCloseTo(13.4, 10)
    expect(fit.degreesOfFreedom).toBe(5)
    expect(fit.pValue).toBeCloseTo(0.0199, 4)
  })

  it('leaves out categories that cannot occur, and has no answer without two categories or observations', () => {
    expect(chiSquareGoodnessOfFit([50, 50, 0], [0.5, 0.5, 0])!.degreesOfFreedom).toBe(1)
    expect(chiSquareGoodnessOfFit([10, 0], [1, 0])).toBeNull()
    expect(chiSquareGoodnessOfFit([0, 0], [0.5, 0.5])).toBeNull()
  })
})
