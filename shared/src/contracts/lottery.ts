import * as z from 'zod'
import { isoDateTime } from './common'
import { LOTTERY_RNG_RANGE } from '../rules/lottery'
import type { GoodnessOfFit } from '../rules/chi-square'
import type { PrizeFairness } from '../rules/lottery'

/**
 * The points lottery (积分抽奖): a member pays `costPoints` per draw, at most `dailyLimit` draws a
 * Shanghai day, and wins one of the prizes. A version of the prizes is frozen once saved; a change is
 * a new version that takes effect at a stated time (docs/lottery.md).
 */
export const LOTTERY_PRIZE_KINDS = ['points', 'coupon', 'gift', 'none'] as const
export type LotteryPrizeKind = (typeof LOTTERY_PRIZE_KINDS)[number]
export const LOTTERY_PRIZE_KIND_LABELS: Record<LotteryPrizeKind, string> = {
  points: '积分',
  coupon: '优惠券',
  gift: '积分商城礼品',
  none: '谢谢参与',
}

export const LOTTERY_STATUSES = ['draft', 'active', 'paused_budget', 'killed'] as const
export type LotteryStatus = (typeof LOTTERY_STATUSES)[number]
export const LOTTERY_STATUS_LABELS: Record<LotteryStatus, string> = {
  draft: '草稿',
  active: '进行中',
  paused_budget: '预算用尽已暂停',
  killed: '已紧急停止',
}

export const MAX_LOTTERY_PRIZES = 8 // the member page's grid has eight cells around its button
const validDate = isoDateTime.refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date-time')

export const lotteryPrizeInput = z
  .strictObject({
    /** the prize's key across versions: its stock slots are counted under it, whatever the version */
    id: z.string().regex(/^[a-z0-9_-]{1,16}$/),
    name: z.string().trim().min(1).max(20),
    kind: z.enum(LOTTERY_PRIZE_KINDS),
    /** points prizes: the points won */
    points: z.number().int().min(0).max(100_000).default(0),
    couponTemplateId: z
      .string()
      .regex(/^\d{6}$/)
      .nullable()
      .default(null),
    /** gift prizes: a points-mall gift with pickup at the service desk, granted through the mall */
    giftId: z
      .string()
      .regex(/^\d{6}$/)
      .nullable()
      .default(null),
    /** how many can ever be won (over all versions); null = unlimited */
    stock: z.number().int().min(1).max(1_000_000).nullable(),
    probabilityPpm: z.number().int().min(0).max(LOTTERY_RNG_RANGE),
  })
  .refine((p) => p.kind !== 'points' || p.points > 0, { message: 'a points prize needs points', path: ['points'] })
  .refine((p) => p.kind === 'points' || p.points === 0, { message: 'only points prizes give points', path: ['points'] })
  .refine((p) => (p.kind === 'coupon') === (p.couponTemplateId !== null), {
    message: 'a coupon prize (and only one) names a coupon template',
    path: ['couponTemplateId'],
  })
  .refine((p) => (p.kind === 'gift') === (p.giftId !== null), {
    message: 'a gift prize (and only one) names a points-mall gift',
    path: ['giftId'],
  })
export type LotteryPrizeInput = z.infer<typeof lotteryPrizeInput>

const prizeSet = {
  prizes: z.array(lotteryPrizeInput).min(2).max(MAX_LOTTERY_PRIZES),
  /** what a draw gets when its prize is sold out or over the budget: a 谢谢参与 prize without a stock */
  consolationPrizeId: z.string().regex(/^[a-z0-9_-]{1,16}$/),
}
type PrizeSet = { prizes: LotteryPrizeInput[]; consolationPrizeId: string }

function checkPrizeSet(s: PrizeSet, ctx: z.RefinementCtx): void {
  const ids = new Set(s.prizes.map((p) => p.id))
  if (ids.size !== s.prizes.length) ctx.addIssue({ code: 'custom', message: 'prize ids repeat', path: ['prizes'] })
  const total = s.prizes.reduce((sum, p) => sum + p.probabilityPpm, 0)
  if (total !== LOTTERY_RNG_RANGE)
    ctx.addIssue({ code: 'custom', message: `probabilities add up to ${total} ppm, not 1,000,000`, path: ['prizes'] })
  const consolation = s.prizes.find((p) => p.id === s.consolationPrizeId)
  if (!consolation || consolation.kind !== 'none' || consolation.stock !== null)
    ctx.addIssue({
      code: 'custom',
      message: 'the consolation prize must be one of the prizes, a 谢谢参与 without a stock',
      path: ['consolationPrizeId'],
    })
}

export const lotteryInput = z
  .strictObject({
    name: z.string().trim().min(1).max(30),
    costPoints: z.number().int().min(1).max(100_000),
    dailyLimit: z.number().int().min(1).max(50),
    /** the most points the points prizes may give out in all; a prize over it falls back to the consolation */
    budgetPoints: z.number().int().min(0).max(1_000_000_000),
    startsAt: validDate,
    endsAt: validDate,
    ...prizeSet,
  })
  .superRefine(checkPrizeSet)
  .refine((l) => Date.parse(l.startsAt) < Date.parse(l.endsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  })
export type LotteryInput = z.infer<typeof lotteryInput>

/** A new version of the prizes; on a live lottery it must start now or later (never rewrite the past). */
export const lotteryVersionInput = z.strictObject({ ...prizeSet, effectiveFrom: validDate }).superRefine(checkPrizeSet)
export type LotteryVersionInput = z.infer<typeof lotteryVersionInput>

export interface LotteryVersionView {
  version: number
  effectiveFrom: string
  prizes: LotteryPrizeInput[]
  consolationPrizeId: string
  createdBy: string
  createdAt: string
}

export interface LotteryView {
  id: string
  name: string
  costPoints: number
  dailyLimit: number
  budgetPoints: number
  budgetUsed: number
  startsAt: string
  endsAt: string
  status: LotteryStatus
  versions: LotteryVersionView[]
  /** per prize id: how many were won (stock slots taken) */
  won: Record<string, number>
  draws: number
  createdAt: string
}

/** A prize as members see it (no coupon template numbers). */
export interface LotteryPrizeView {
  id: string
  name: string
  kind: LotteryPrizeKind
  points: number
  probabilityPpm: number
  soldOut: boolean
}

export interface MemberLotteryView {
  id: string
  name: string
  costPoints: number
  dailyLimit: number
  drawsLeftToday: number
  endsAt: string
  prizes: LotteryPrizeView[]
  /** why a draw is not possible now, in words; null when it is */
  closedReason: string | null
}

export const LOTTERY_FALLBACKS = ['sold_out', 'budget'] as const
export type LotteryFallback = (typeof LOTTERY_FALLBACKS)[number]

export interface LotteryDrawView {
  id: string
  lotteryId: string
  lotteryName: string
  at: string
  costPoints: number
  prize: { id: string; name: string; kind: LotteryPrizeKind; points: number }
  /** the RNG picked another prize that was sold out or over the budget, so this is the consolation */
  fallback: LotteryFallback | null
  /** settled: the prize was handed out; pending: a moment more (finished by the sweeper after a crash) */
  state: 'pending' | 'settled'
}

export interface LotteryDrawResult {
  draw: LotteryDrawView
  drawsLeftToday: number
  balance: number
}

export interface LotteryReportView {
  lotteryId: string
  versions: {
    version: number
    effectiveFrom: string
    prizes: (PrizeFairness & { name: string; won: number })[]
    draws: number
    test: GoodnessOfFit | null
    impossible: number
  }[]
}

/** One draw in the operator's audit list. */
export interface LotteryAuditRow {
  id: string
  memberId: string
  at: string
  version: number
  rng: number
  pickedPrizeId: string
  prizeId: string | null
  fallback: LotteryFallback | null
  state: string
}
