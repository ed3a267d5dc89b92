import {
  budgetPeriodKey,
  earnedWithCampaign,
  simulatePointsCampaign,
  type PointsCampaign,
  type SampledPurchase,
} from '../src'

const now = new Date('2026-12-09T04:00:00Z') // Wednesday, Shanghai
const factors = {
  basePoints: 100,
  tierMultiplierPermille: 1000,
  storeMultiplierPermille: 1000,
  categoryMultiplierPermille: 1000,
}
const bought = (day: string, memberId = 'm1', storeId = 'S1'): SampledPurchase => ({ memberId, storeId, day, factors })
const campaign = (over: Partial<PointsCampaign>): PointsCampaign => ({
  id: 'c',
  name: 'c',
  multiplierPermille: 2000,
  when: { kind: 'weekday', value: 3 },
  storeIds: [],
  ...over,
})

describe('earnedWithCampaign', () => {
  it('splits the exact product into the plain points and the campaign bonus, never a negative bonus', () => {
    expect(
      earnedWithCampaign({ ...factors, tierMultiplierPermille: 1200, storeMultiplierPermille: 1500 }, 2000),
    ).toEqual({ plain: 180, bonus: 180 })
    expect(earnedWithCampaign({ ...factors, basePoints: 333 }, 1500)).toEqual({ plain: 333, bonus: 166 })
    expect(earnedWithCampaign(factors, 500)).toEqual({ plain: 100, bonus: 0 })
  })
})

describe('budgetPeriodKey', () => {
  it('is the whole campaign or the Shanghai month', () => {
    expect(budgetPeriodKey({ budgetPeriod: 'total' }, now)).toBe('total')
    expect(budgetPeriodKey({}, now)).toBe('total')
    expect(budgetPeriodKey({ budgetPeriod: 'month' }, new Date('2026-11-30T16:30:00Z'))).toBe('2026-12')
  })
})

describe('simulatePointsCampaign', () => {
  it('stands a one-off date in by its weekday', () => {
    const sim = simulatePointsCampaign(
      campaign({ when: { kind: 'date', value: '2026-12-12' } }),
      [bought('2026-12-05'), bought('2026-12-02')],
      now,
      0,
    )
    expect(sim).toMatchObject({
      comparableDays: 8,
      membersReached: 1,
      perDay: { bonusPoints: 12.5 },
      upcomingDays: ['2026-12-12'],
      projectedBonusPoints: 13,
    })
  })

  it('falls back to every day when the window has no such day of the month, and warns', () => {
    const sim = simulatePointsCampaign(
      campaign({ when: { kind: 'monthday', value: 31 } }),
      [bought('2026-11-20')],
      new Date('2026-03-31T04:00:00Z'),
      0,
    )
    expect(sim.comparableDays).toBe(56)
    expect(sim.warnings).toContain('参考期内没有同类日期，按每日平均估算')
  })

  it('counts only the campaign stores and warns when the budget is used up or no day comes', () => {
    const sim = simulatePointsCampaign(
      campaign({
        storeIds: ['S2'],
        when: { kind: 'date', value: '2026-01-07' },
        budgetPoints: 500,
        budgetPeriod: 'month',
      }),
      [bought('2026-12-02', 'm1', 'S1'), bought('2026-12-02', 'm2', 'S2')],
      now,
      500,
    )
    expect(sim).toMatchObject({
      membersReached: 1,
      upcomingDays: [],
      projectedBonusPoints: 0,
      budget: { left: 0 },
      budgetCoversDays: 0,
    })
    expect(sim.warnings).toEqual(expect.arrayContaining(['未来 30 天内没有活动日', '预算已用尽，活动处于自动暂停状态']))
  })
})
