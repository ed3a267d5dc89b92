import { shanghaiDay, shanghaiWeekday } from './shanghai-time'

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
  /**
   * Cap on the bonus points (above what the purchase earns without the campaign) per budget period;
   * 0 = no cap. When it is used up the campaign pauses itself until the next period or a raise.
   */
  budgetPoints?: number
  /** 'total' = over the campaign's life; 'month' = per Shanghai calendar month (a recurring member day) */
  budgetPeriod?: 'total' | 'month'
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
  campaigns: [
    {
      id: 'member-day',
      name: '会员日双倍积分',
      multiplierPermille: 2000,
      when: { kind: 'monthday', value: 18 },
      storeIds: [],
    },
  ],
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
  /** campaigns the operator stopped with the kill switch or whose budget is used up */
  stoppedCampaignIds?: ReadonlySet<string>
  /** bonus points the campaign's budget still grants this purchase; undefined = no cap */
  campaignBonusAllowance?: number
}

export interface PurchasePoints {
  points: number
  /** what produced the number, stored on the ledger entry ("why did I get these points") */
  breakdown: {
    basePoints: number
    tierMultiplierPermille: number
    storeMultiplierPermille: number
    categoryMultiplierPermille: number
    /** `bonusPoints`: what the campaign added; `budgetTrimmed`: less than its multiplier gives, the budget ran out */
    campaign: {
      id: string
      name: string
      multiplierPermille: number
      bonusPoints: number
      budgetTrimmed: boolean
    } | null
    cappedBy: 'daily' | 'balance' | null
    rulesVersion: number
  }
}

/** Whether a campaign's day is the Shanghai day containing `now` (any store). */
export function campaignRunsOn(c: PointsCampaign, now: Date): boolean {
  const day = shanghaiDay(now)
  if (c.when.kind === 'date') return c.when.value === day
  if (c.when.kind === 'weekday') return c.when.value === shanghaiWeekday(now)
  return c.when.value === Number(day.slice(8, 10))
}

/** The best campaign running for this store at `now` (campaigns do not stack); stopped ones are skipped. */
export function activeCampaign(
  rules: EarningRules,
  storeId: string,
  now: Date,
  stopped: ReadonlySet<string> = new Set(),
): PointsCampaign | null {
  const matches = rules.campaigns.filter((c) => {
    if (stopped.has(c.id)) return false
    if (c.storeIds.length > 0 && !c.storeIds.includes(storeId)) return false
    return campaignRunsOn(c, now)
  })
  return matches.sort((a, b) => b.multiplierPermille - a.multiplierPermille)[0] ?? null
}

/** Per-mille factors of one purchase besides the campaign. */
export interface EarningFactors {
  basePoints: number
  tierMultiplierPermille: number
  storeMultiplierPermille: number
  categoryMultiplierPermille: number
}

/**
 * Points without a campaign and the bonus a campaign multiplier adds on top. BigInt keeps the
 * product exact for any amount the contract admits; the bonus is never negative.
 */
export function earnedWithCampaign(
  f: EarningFactors,
  campaignMultiplierPermille: number,
): { plain: number; bonus: number } {
  const product =
    BigInt(f.basePoints) *
    BigInt(f.tierMultiplierPermille) *
    BigInt(f.storeMultiplierPermille) *
    BigInt(f.categoryMultiplierPermille)
  const plain = Number(product / 1_000_000_000n)
  const boosted = Number((product * BigInt(campaignMultiplierPermille)) / 1_000_000_000_000n)
  return { plain, bonus: Math.max(0, boosted - plain) }
}

/** The factors of a purchase under these rules. */
export function earningFactors(
  rules: EarningRules,
  input: Pick<
    PurchasePointsInput,
    'amountFen' | 'tierMultiplierPermille' | 'storeMultiplierPermille' | 'storeCategory'
  >,
): EarningFactors {
  return {
    basePoints: Math.floor(input.amountFen / 100) * rules.pointsPerYuan,
    tierMultiplierPermille: input.tierMultiplierPermille,
    storeMultiplierPermille: input.storeMultiplierPermille,
    categoryMultiplierPermille: rules.categoryMultipliers[input.storeCategory] ?? 1000,
  }
}

export function purchasePoints(rules: EarningRules, input: PurchasePointsInput): PurchasePoints {
  const factors = earningFactors(rules, input)
  const campaign = activeCampaign(rules, input.storeId, input.now, input.stoppedCampaignIds)
  const { plain, bonus } = earnedWithCampaign(factors, campaign?.multiplierPermille ?? 1000)
  const bonusPoints = Math.min(bonus, input.campaignBonusAllowance ?? bonus)
  let points = plain + bonusPoints
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
      ...factors,
      campaign: campaign
        ? {
            id: campaign.id,
            name: campaign.name,
            multiplierPermille: campaign.multiplierPermille,
            bonusPoints,
            budgetTrimmed: bonusPoints < bonus,
          }
        : null,
      cappedBy,
      rulesVersion: rules.version,
    },
  }
}
