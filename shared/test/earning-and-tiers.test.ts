import {
  DEFAULT_EARNING_RULES,
  DEFAULT_TIERS,
  evaluatedLevel,
  growthValue,
  purchasePoints,
  shanghaiDay,
  tierProgress,
  upgradedLevel,
} from '../src'

const base = {
  tierMultiplierPermille: 1000,
  storeId: 'S1',
  storeMultiplierPermille: 1000,
  storeCategory: '服饰',
  earnedToday: 0,
  balance: 0,
}
const plainDay = new Date('2026-11-20T04:00:00Z')

describe('purchase points', () => {
  it('gives 1 point per whole yuan, floored', () => {
    expect(purchasePoints(DEFAULT_EARNING_RULES, { ...base, amountFen: 12_399, now: plainDay }).points).toBe(123)
    expect(purchasePoints(DEFAULT_EARNING_RULES, { ...base, amountFen: 99, now: plainDay }).points).toBe(0)
  })

  it('multiplies tier × store × category × campaign exactly', () => {
    const rules = { ...DEFAULT_EARNING_RULES, categoryMultipliers: { 服饰: 1500 } }
    const r = purchasePoints(rules, {
      ...base,
      amountFen: 100_00,
      tierMultiplierPermille: 1200,
      storeMultiplierPermille: 1500,
      now: plainDay,
    })
    expect(r.points).toBe(270) // 100 × 1.2 × 1.5 × 1.5
  })

  it('applies member day by the Shanghai calendar', () => {
    const justBefore = new Date('2026-11-17T15:59:59Z') // 23:59:59 on the 17th in Shanghai
    const justAfter = new Date('2026-11-17T16:00:00Z') // 00:00:00 on the 18th
    expect(shanghaiDay(justAfter)).toBe('2026-11-18')
    expect(purchasePoints(DEFAULT_EARNING_RULES, { ...base, amountFen: 100_00, now: justBefore }).points).toBe(100)
    expect(purchasePoints(DEFAULT_EARNING_RULES, { ...base, amountFen: 100_00, now: justAfter }).points).toBe(200)
  })

  it('caps by day and by balance when configured', () => {
    const rules = { ...DEFAULT_EARNING_RULES, dailyEarnCap: 500, balanceCap: 1000 }
    expect(purchasePoints(rules, { ...base, amountFen: 1000_00, earnedToday: 300, now: plainDay })).toMatchObject({
      points: 200,
      breakdown: { cappedBy: 'daily' },
    })
    expect(purchasePoints(rules, { ...base, amountFen: 400_00, balance: 900, now: plainDay })).toMatchObject({
      points: 100,
      breakdown: { cappedBy: 'balance' },
    })
  })
})

describe('tiers', () => {
  const spend = (months: Record<string, number>) => ({
    spend: Object.entries(months).map(([month, yuan]) => ({ month, amount: yuan * 100 })),
    growthBonus: [],
  })
  const now = new Date('2026-11-15T04:00:00Z')

  it('counts growth over the rolling 12 Shanghai months', () => {
    expect(growthValue(spend({ '2025-11': 999, '2025-12': 100, '2026-11': 50 }), now)).toBe(150)
  })

  it('upgrades immediately to the highest tier reached, never down', () => {
    expect(upgradedLevel(DEFAULT_TIERS, 1, 10_500)).toBe(3)
    expect(upgradedLevel(DEFAULT_TIERS, 3, 100)).toBe(3)
  })

  it('keeps the tier above the retention threshold and steps down one tier at most', () => {
    expect(evaluatedLevel(DEFAULT_TIERS, 3, 9_000)).toBe(3) // below entry 10,000, above retain 8,000
    expect(evaluatedLevel(DEFAULT_TIERS, 3, 7_999)).toBe(2)
    expect(evaluatedLevel(DEFAULT_TIERS, 4, 0)).toBe(3) // one step, even with no spend
    expect(evaluatedLevel(DEFAULT_TIERS, 1, 0)).toBe(1)
    expect(evaluatedLevel(DEFAULT_TIERS, 2, 31_000)).toBe(4)
  })

  it('explains progress in plain Chinese', () => {
    const p = tierProgress(DEFAULT_TIERS, 2, spend({ '2026-01': 2_000, '2026-10': 1_500 }), now)
    expect(p.growth).toBe(3_500)
    expect(p.next).toEqual({ level: 3, name: '金卡会员', growthNeeded: 6_500 })
    expect(p.ratio).toBeCloseTo(500 / 7_000)
    expect(p.message).toContain('再消费 6500 元即可升级为金卡会员')
    expect(p.retain).toEqual({ growthNeeded: 0, evaluationDay: '2026-11-30' })
  })

  it('warns when spend dropping out of the window puts the tier at risk', () => {
    const p = tierProgress(DEFAULT_TIERS, 2, spend({ '2025-12': 2_000, '2026-10': 1_000 }), now)
    expect(p.expiringGrowthThisMonth).toBe(2_000)
    expect(p.retain).toEqual({ growthNeeded: 1_400, evaluationDay: '2026-11-30' })
    expect(p.message).toContain('2026-11-30 前再消费 1400 元可保级银卡会员')
  })
})
