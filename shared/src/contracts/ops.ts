import * as z from 'zod'

/** Operator console: KPI dashboard query and answer, rule editing with history. */
export const kpiQuery = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
})
export type KpiQuery = z.infer<typeof kpiQuery>

/**
 * `storeScoped`: the figure honours the store filter (the others are mall-wide whatever the filter).
 * `asOfNow`: the figure is today's whatever the range (the points outstanding): no change against a period.
 */
const metric = z.object({
  key: z.string(),
  label: z.string(),
  /** null when there is nothing to measure (a median of no tickets): shown as 暂无数据, not as 0 */
  value: z.number().nullable(),
  unit: z.string(),
  definition: z.string(),
  storeScoped: z.boolean().optional(),
  asOfNow: z.boolean().optional(),
})
const series = z.object({
  key: z.string(),
  label: z.string(),
  definition: z.string(),
  points: z.array(z.object({ x: z.string(), y: z.number() })),
  storeScoped: z.boolean().optional(),
})

export const kpiReport = z.object({
  range: z.object({ from: z.string(), to: z.string(), storeId: z.string().nullable() }),
  metrics: z.array(metric),
  series: z.array(series),
  tables: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      definition: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(z.union([z.string(), z.number()]))),
      storeScoped: z.boolean().optional(),
    }),
  ),
})
export type KpiReport = z.infer<typeof kpiReport>

export const ruleSection = z.enum(['earning', 'tiers', 'checkin', 'referral'])

export const ruleChangeRequest = z.strictObject({
  section: ruleSection,
  /** the new value of the whole section (validated per section on the server) */
  value: z.unknown(),
  note: z.string().max(200).default(''),
})

export const ruleVersion = z.object({
  version: z.number().int(),
  section: ruleSection,
  changedBy: z.string(),
  changedAt: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  note: z.string(),
})
export type RuleVersion = z.infer<typeof ruleVersion>

const permille = z.number().int().min(0).max(100_000)

/** A double-points day / member day (see `PointsCampaign` in the earning rules). */
export const pointsCampaignSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  name: z.string().min(1).max(40),
  multiplierPermille: permille,
  when: z.union([
    z.strictObject({ kind: z.literal('weekday'), value: z.number().int().min(1).max(7) }),
    z.strictObject({ kind: z.literal('monthday'), value: z.number().int().min(1).max(31) }),
    z.strictObject({ kind: z.literal('date'), value: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  ]),
  storeIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)).max(200),
  /** bonus points per budget period; 0 = no cap */
  budgetPoints: z.number().int().min(0).max(1_000_000_000).default(0),
  budgetPeriod: z.enum(['total', 'month']).default('total'),
})
export const pointsCampaignSimulateRequest = z.strictObject({ campaign: pointsCampaignSchema })

export const earningRulesSchema = z.strictObject({
  version: z.number().int().optional(),
  pointsPerYuan: z.number().int().min(0).max(100),
  expiryMonths: z.number().int().min(1).max(120),
  categoryMultipliers: z.record(z.string().max(20), permille),
  campaigns: z.array(pointsCampaignSchema).max(50),
  dailyEarnCap: z.number().int().min(0),
  balanceCap: z.number().int().min(0),
  maxReceiptFen: z.number().int().min(1),
  approvalThresholdFen: z.number().int().min(1),
  staffDailyCapFen: z.number().int().min(1),
  staffHourlyCapFen: z.number().int().min(1),
  undoWindowMinutes: z.number().int().min(0).max(1440),
  negativeBalancePolicy: z.enum(['debt', 'reject']),
  actionGrowth: z.strictObject({
    checkin: z.number().int().min(0).max(10_000),
    invite: z.number().int().min(0).max(100_000),
  }),
})

export const tiersSchema = z
  .array(
    z.strictObject({
      level: z.number().int().min(1).max(10),
      name: z.string().min(1).max(20),
      entryGrowth: z.number().int().min(0),
      retainGrowth: z.number().int().min(0),
      multiplierPermille: permille,
      benefits: z.strictObject({
        birthdayGiftPoints: z.number().int().min(0),
        freeParkingHours: z.number().int().min(0).max(24),
        monthlyCoupons: z.number().int().min(0).max(50),
        monthlyCouponTemplateId: z
          .string()
          .regex(/^\d{6}$/, 'a coupon template number')
          .nullable()
          .default(null),
        perks: z.array(z.string().max(30)).max(20),
      }),
    }),
  )
  .min(1)
  .max(10)
  .refine(
    (tiers) => tiers.every((t) => t.retainGrowth <= t.entryGrowth),
    'retention threshold must not exceed the entry threshold',
  )
  .refine((tiers) => tiers.some((t) => t.level === 1 && t.entryGrowth === 0), 'tier 1 must start at 0')

export const checkinRulesSchema = z.strictObject({
  basePoints: z.number().int().min(0).max(10_000),
  cycleDays: z.number().int().min(1).max(31),
  milestones: z
    .array(
      z.strictObject({
        day: z.number().int().min(1).max(31),
        bonusPoints: z.number().int().min(0),
        makeupCards: z.number().int().min(0).max(10),
        couponTemplateId: z.string().max(10),
      }),
    )
    .max(31),
  makeupCardPricePoints: z.number().int().min(0),
  makeupMonthlyCap: z.number().int().min(0).max(31),
})

export const referralRulesSchema = z.strictObject({
  inviteePoints: z.number().int().min(0).max(100_000),
  inviterPoints: z.number().int().min(0).max(100_000),
  inviterDailyCap: z.number().int().min(0).max(1000),
  inviterMonthlyCap: z.number().int().min(0).max(10_000),
})
