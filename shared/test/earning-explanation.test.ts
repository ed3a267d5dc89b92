import { explainEarning } from '../src/rules/earning-explanation'

describe('how a purchase earned its points, in one line', () => {
  it('names the amount, the base points, each multiplier that applied and a campaign bonus', () => {
    const b = {
      basePoints: 456,
      tierMultiplierPermille: 1200,
      storeMultiplierPermille: 1000,
      campaign: { name: '会员日', bonusPoints: 547 },
    }
    expect(explainEarning(456_00, b, '银卡会员')).toBe('消费 ¥456.00：基础 456 分 × 1.2 倍（银卡会员） + 会员日 547 分')
  })
  it('says when a cap cut the points, and leaves out multipliers of 1', () => {
    expect(explainEarning(99_50, { basePoints: 99, tierMultiplierPermille: 1000, cappedBy: 'daily' })).toBe(
      '消费 ¥99.50：基础 99 分，已达每日积分上限',
    )
    expect(
      explainEarning(100_00, { basePoints: 100, tierMultiplierPermille: 1000, storeMultiplierPermille: 1500 }),
    ).toBe('消费 ¥100.00：基础 100 分 × 1.5 倍（门店）')
  })
})
