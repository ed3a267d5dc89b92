/**
 * Tier definitions are data (operators edit them); these defaults come from the source documents:
 * 普通/银卡/金卡/钻石 at 0 / 3,000 / 10,000 / 30,000 yuan of qualifying spend in 12 months.
 */
export interface TierDefinition {
  level: number
  name: string
  /** growth value (yuan of qualifying spend + bonuses, rolling 12 months) to enter */
  entryGrowth: number
  /** growth value needed at the monthly evaluation to keep the tier (below entry: hysteresis) */
  retainGrowth: number
  /** points multiplier on purchases, in per-mille to stay integral (1200 = 1.2×) */
  multiplierPermille: number
  benefits: {
    birthdayGiftPoints: number
    freeParkingHours: number
    monthlyCoupons: number
    /** the coupon template those monthly coupons are cut from; null = the benefit is not issued */
    monthlyCouponTemplateId?: string | null
    perks: string[]
  }
}

export const DEFAULT_TIERS: TierDefinition[] = [
  {
    level: 1,
    name: '普通会员',
    entryGrowth: 0,
    retainGrowth: 0,
    multiplierPermille: 1000,
    benefits: { birthdayGiftPoints: 100, freeParkingHours: 1, monthlyCoupons: 0, perks: ['消费积分', '会员专享活动'] },
  },
  {
    level: 2,
    name: '银卡会员',
    entryGrowth: 3_000,
    retainGrowth: 2_400,
    multiplierPermille: 1200,
    benefits: {
      birthdayGiftPoints: 300,
      freeParkingHours: 2,
      monthlyCoupons: 1,
      perks: ['积分1.2倍', '生日礼', '每月专享券'],
    },
  },
  {
    level: 3,
    name: '金卡会员',
    entryGrowth: 10_000,
    retainGrowth: 8_000,
    multiplierPermille: 1500,
    benefits: {
      birthdayGiftPoints: 800,
      freeParkingHours: 3,
      monthlyCoupons: 2,
      perks: ['积分1.5倍', '生日礼', '免费礼品包装', '专属客服'],
    },
  },
  {
    level: 4,
    name: '钻石会员',
    entryGrowth: 30_000,
    retainGrowth: 24_000,
    multiplierPermille: 2000,
    benefits: {
      birthdayGiftPoints: 2000,
      freeParkingHours: 5,
      monthlyCoupons: 4,
      perks: ['积分2倍', '生日礼', '贵宾休息室', '专属客服', '优先参与活动'],
    },
  },
]

export function tierByLevel(tiers: TierDefinition[], level: number): TierDefinition {
  return tiers.find((t) => t.level === level) ?? tiers[0]!
}
