import { shanghaiDay } from './shanghai-time'

/**
 * Points for a purchase. Amounts are integer fen; multipliers are integer per-mille, so the result
 * is exact: floor(yuan × pointsPerYuan × tier × store × campaign). Rules are data (operators edit
 * them); these are the defaults from the source documents.
 */
export interface PointsCampaign {
  id: string
  name: string
  multiplierPermille: number
  /** 'weekday' 1-7 (Mon-Sun), 'monthday' 1-31, or a 'date' YYYY-MM-DD (Shanghai) */
  when: { kind: 'weekday' | 'monthday'; value: number } | { kind: 'date'; value: string }
  /** store ids it applies to; empty = every store */
  storeIds: string[]
}

export interface EarningRules {
  version: number
  pointsPerYuan: number
  expiryMonths: number
  /** per-category multipliers, per-mille, e.g. { 餐饮: 1000 } (store multiplier applies on top) */
  categoryMultipliers: Record<string, number>
  campaigns: PointsCampaign[]
  /** optional caps; 0 = none */
  dailyEarnCap: number
  balanceCap: number
  /** staff controls */
  maxReceiptFen: number
  approvalThresholdFen: number
  staffDailyCapFen: number
  staffHourlyCapFen: number
  undoWindowMinutes: number
  /** what a refund does when the points were already spent */
  negativeBalancePolicy: 'debt' | 'reject'
  /** growth value (tier qualification) added by actions besides spending; 0 = none */
  actionGrowth: { checkin: number; invite: number }
}

export const DEFAULT_EARNING_RULES: EarningRules = {
  version: 1,
  pointsPerYuan: 1,
  expiryMonths: 12,
  categoryMultipliers: {},
  campaigns: [{ id: 'member-day', name: '会员日双倍积分', multiplierPermille: 2000, when: { kind: 'monthday', value: 18 }, storeIds: [] }],
  dailyEarnCap: 0,
  balanceCap: 0,
  maxReceiptFen: 50_000_00,
  approvalThresholdFen: 10_000_00,
  staffDailyCapFen: 200_000_00,
  staffHourlyCapFen: 50_000_00,
  undoWindowMinutes: 10,
  negativeBalancePolicy: 'debt',
  actionGrowth: { checkin: 0, invite: 0 },
}

export interface PurchasePointsInput {
  amountFen: number
  tierMultiplierPermille: number
  storeId: string
  storeMultiplierPermille: number
  storeCategory: string
  now: Date
  /** points already earned today (for the daily cap) and the current balance (for the balance cap) */
  earnedToday: number
  balance: number
}

export interface PurchasePoints {
  points: number
  /** what produced the number, stored on the ledger entry ("why did I get these points") */
  breakdown: {
    basePoints: number
    tierMultiplierPermille: number
    storeMultiplierPermille: number
    categoryMultiplierPermille: number
    campaign: { id: string; name: string; multiplierPermille: number } | null
    cappedBy: 'daily' | 'balance' | null
    rulesVersion: number
  }
}

const weekdayInShanghai = (now: Date) => {
  const d = new Date(now.getTime() + 8 * 3600_000).getUTCDay()
  return d === 0 ? 7 : d
}

/** The best campaign running for this store at `now` (campaigns do not stack). */
export function activeCampaign(rules: EarningRules, storeId: string, now: Date): PointsCampaign | null {
  const day = shanghaiDay(now)
  const matches = rules.campaigns.filter((c) => {
    if (c.storeIds.length > 0 && !c.storeIds.includes(storeId)) return false
    if (c.when.kind === 'date') return c.when.value === day
    if (c.when.kind === 'weekday') return c.when.value === weekdayInShanghai(now)
    return c.when.value === Number(day.slice(8, 10))
  })
  return matches.sort((a, b) => b.multiplierPermille - a.multiplierPermille)[0] ?? null
}

export function purchasePoints(rules: EarningRules, input: PurchasePointsInput): PurchasePoints {
  const basePoints = Math.floor(input.amountFen / 100) * rules.pointsPerYuan
  const category = rules.categoryMultipliers[input.storeCategory] ?? 1000
  const campaign = activeCampaign(rules, input.storeId, input.now)
  const campaignMult = campaign?.multiplierPermille ?? 1000
  // BigInt keeps the four-factor product exact for any amount the contract admits.
  const product = BigInt(basePoints) * BigInt(input.tierMultiplierPermille) * BigInt(input.storeMultiplierPermille) * BigInt(category) * BigInt(campaignMult)
  let points = Number(product / 1_000_000_000_000n)
  let cappedBy: PurchasePoints['breakdown']['cappedBy'] = null
  if (rules.dailyEarnCap > 0 && input.earnedToday + points > rules.dailyEarnCap) {
    points = Math.max(0, rules.dailyEarnCap - input.earnedToday)
    cappedBy = 'daily'
  }
  if (rules.balanceCap > 0 && input.balance + points > rules.balanceCap) {
    points = Math.max(0, rules.balanceCap - Math.max(0, input.balance))
    cappedBy = 'balance'
  }
  return {
    points,
    breakdown: {
      basePoints,
      tierMultiplierPermille: input.tierMultiplierPermille,
      storeMultiplierPermille: input.storeMultiplierPermille,
      categoryMultiplierPermille: category,
      campaign: campaign ? { id: campaign.id, name: campaign.name, multiplierPermille: campaign.multiplierPermille } : null,
      cappedBy,
      rulesVersion: rules.version,
    },
  }
}
