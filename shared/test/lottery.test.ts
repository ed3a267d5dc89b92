import { randomInt } from 'node:crypto'
import {
  LOTTERY_RNG_RANGE,
  countPicks,
  drawPrize,
  fairnessReport,
  lotteryInput,
  ppmToPercent,
  type WeightedPrize,
} from '../src'

const PRIZES: WeightedPrize[] = [
  { id: 'grand', probabilityPpm: 10_000 }, // 1 %
  { id: 'p100', probabilityPpm: 90_000 }, // 9 %
  { id: 'coupon', probabilityPpm: 200_000 }, // 20 %
  { id: 'p5', probabilityPpm: 300_000 }, // 30 %
  { id: 'thanks', probabilityPpm: 400_000 }, // 40 %
]
const DRAWS = 100_000
const cryptoRng = () => randomInt(0, LOTTERY_RNG_RANGE)

describe('drawPrize (the pure draw)', () => {
  it('maps each RNG output to the prize whose cumulative range holds it, edges included', () => {
    expect(drawPrize(PRIZES, 0).id).toBe('grand')
    expect(drawPrize(PRIZES, 9_999).id).toBe('grand')
    expect(drawPrize(PRIZES, 10_000).id).toBe('p100')
    expect(drawPrize(PRIZES, 99_999).id).toBe('p100')
    expect(drawPrize(PRIZES, 100_000).id).toBe('coupon')
    expect(drawPrize(PRIZES, 599_999).id).toBe('p5')
    expect(drawPrize(PRIZES, 999_999).id).toBe('thanks')
  })

  it('gives every prize exactly its ppm share of the RNG range', () => {
    const counts = new Map<string, number>()
    for (let rng = 0; rng < LOTTERY_RNG_RANGE; rng++) {
      const id = drawPrize(PRIZES, rng).id
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    for (const p of PRIZES) expect(counts.get(p.id)).toBe(p.probabilityPpm)
  })

  it('never picks a prize at probability 0, and refuses outputs out of range', () => {
    const withZero = [{ id: 'never', probabilityPpm: 0 }, ...PRIZES]
    expect(drawPrize(withZero, 0).id).toBe('grand')
    for (const bad of [-1, LOTTERY_RNG_RANGE, 0.5, Number.NaN]) expect(() => drawPrize(PRIZES, bad)).toThrow(RangeError)
    expect(() => drawPrize([{ id: 'a', probabilityPpm: 10 }], 10)).toThrow(RangeError)
  })

  it('is fair over 100,000 draws from crypto.randomInt: chi-square p-value well above 0.0001', () => {
    const report = fairnessReport(PRIZES, countPicks(PRIZES, Array.from({ length: DRAWS }, cryptoRng)))
    expect(report.draws).toBe(DRAWS)
    expect(report.test!.degreesOfFreedom).toBe(4)
    // A fair draw fails this about once in 10,000 runs.
    expect(report.test!.pValue).toBeGreaterThan(0.0001)
    for (const line of report.prizes)
      expect(Math.abs(line.observed - line.expected)).toBeLessThan(5 * Math.sqrt(line.expected))
    expect(report.impossible).toBe(0)
  })

  it('catches a deliberately biased draw: the grand prize 1.2 % instead of 1 %', () => {
    // The bias of a classic mistake: a tenth of the outputs that should fall on 谢谢参与 rerolled.
    const biased = () => {
      const rng = cryptoRng()
      if (rng >= 600_000 && rng < 600_000 + 20_000) return randomInt(0, 10_000) // moved onto the grand prize
      return rng
    }
    const report = fairnessReport(PRIZES, countPicks(PRIZES, Array.from({ length: DRAWS }, biased)))
    expect(report.test!.pValue).toBeLessThan(1e-6)
  })

  it('catches an RNG that never reaches the top 5 % of its range', () => {
    // An RNG that never produces the top 5 % of the range starves 谢谢参与 of an eighth of its share.
    const skewed = () => randomInt(0, 950_000)
    const report = fairnessReport(PRIZES, countPicks(PRIZES, Array.from({ length: DRAWS }, skewed)))
    expect(report.test!.pValue).toBeLessThan(1e-6)
  })
})

describe('lottery setup contract', () => {
  const base = {
    name: '周末抽奖',
    costPoints: 50,
    dailyLimit: 3,
    budgetPoints: 10_000,
    startsAt: '2026-12-01T00:00:00.000Z',
    endsAt: '2026-12-31T00:00:00.000Z',
    consolationPrizeId: 'thanks',
    prizes: [
      { id: 'p100', name: '100积分', kind: 'points', points: 100, stock: 10, probabilityPpm: 100_000 },
      { id: 'thanks', name: '谢谢参与', kind: 'none', stock: null, probabilityPpm: 900_000 },
    ],
  }
  it('accepts a sound lottery', () => {
    expect(lotteryInput.safeParse(base).success).toBe(true)
  })
  it.each([
    [
      'probabilities not adding up to 100 %',
      { prizes: [{ ...base.prizes[0], probabilityPpm: 50_000 }, base.prizes[1]] },
    ],
    ['a consolation prize with a stock', { prizes: [base.prizes[0], { ...base.prizes[1], stock: 5 }] }],
    ['a consolation prize that gives something', { consolationPrizeId: 'p100' }],
    ['repeated prize ids', { prizes: [base.prizes[1], { ...base.prizes[1], probabilityPpm: 100_000 }] }],
    ['a points prize without points', { prizes: [{ ...base.prizes[0], points: 0 }, base.prizes[1]] }],
    [
      'a coupon prize without a template',
      { prizes: [{ ...base.prizes[0], kind: 'coupon', points: 0 }, base.prizes[1]] },
    ],
    ['a gift prize without a gift', { prizes: [{ ...base.prizes[0], kind: 'gift', points: 0 }, base.prizes[1]] }],
    ['a points prize naming a gift', { prizes: [{ ...base.prizes[0], giftId: '123456' }, base.prizes[1]] }],
    ['an end before the start', { endsAt: '2026-11-01T00:00:00.000Z' }],
  ])('refuses %s', (_, over) => {
    expect(lotteryInput.safeParse({ ...base, ...over }).success).toBe(false)
  })
  it('shows ppm as a percentage', () => {
    expect(ppmToPercent(250_000)).toBe('25%')
    expect(ppmToPercent(12_345)).toBe('1.2345%')
  })
})
