import * as z from 'zod'
import { isoDateTime } from './common'
import type { PointsCampaign } from '../rules/earning'

/**
 * Operator campaigns that grant something to a set of members (double-points days and member day
 * are earning rules: see `earningRulesSchema.campaigns`).
 * - birthday_gift: members whose birthday month is the current month, once per member per year;
 *   the points are the member's tier benefit (`benefits.birthdayGiftPoints`) unless set here.
 * - coupon_drop: a coupon (and/or points) to the members of a saved segment, once per member.
 * - win_back: the same to a segment of lapsing members; the daily run picks up members as they
 *   fall into the segment.
 * Every campaign has a budget (the number of grants) that pauses it automatically when used up,
 * and a kill switch.
 */
export const CAMPAIGN_KINDS = ['birthday_gift', 'coupon_drop', 'win_back'] as const
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number]
export const CAMPAIGN_KIND_LABELS: Record<CampaignKind, string> = {
  birthday_gift: '生日礼',
  coupon_drop: '定向发券',
  win_back: '流失召回',
}

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused_budget', 'killed'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]
export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: '草稿',
  active: '进行中',
  paused_budget: '预算用尽已暂停',
  killed: '已紧急停止',
}

const templateId = z.string().regex(/^\d{6}$/, 'a coupon template number')
const segmentId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)

export const campaignInput = z
  .strictObject({
    name: z.string().trim().min(1).max(40),
    kind: z.enum(CAMPAIGN_KINDS),
    /** the audience; required for coupon_drop and win_back, optional narrowing for birthday_gift */
    segmentId: segmentId.nullable().default(null),
    reward: z.strictObject({
      /** points per grant; null on a birthday gift = the member's tier benefit */
      points: z.number().int().min(0).max(100_000).nullable().default(null),
      couponTemplateId: templateId.nullable().default(null),
    }),
    budget: z.strictObject({ maxGrants: z.number().int().min(1).max(1_000_000) }),
    startsAt: isoDateTime.refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date-time'),
    endsAt: isoDateTime.refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date-time'),
  })
  .refine((c) => Date.parse(c.startsAt) < Date.parse(c.endsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  })
  .refine((c) => c.kind === 'birthday_gift' || c.segmentId !== null, {
    message: 'a segment is required',
    path: ['segmentId'],
  })
  .refine((c) => c.kind === 'birthday_gift' || (c.reward.points ?? 0) > 0 || c.reward.couponTemplateId !== null, {
    message: 'grant points or a coupon',
    path: ['reward'],
  })
export type CampaignInput = z.infer<typeof campaignInput>

export interface CampaignView extends CampaignInput {
  id: string
  status: CampaignStatus
  grants: number
  createdBy: string
  createdAt: string
  /** who pressed the kill switch or why it paused, when */
  stoppedBy: string | null
  stoppedAt: string | null
}

export interface CampaignSimulation {
  /** members the audience matches right now */
  matched: number
  /** of those, already granted in this period (0 for a campaign not yet saved) */
  alreadyGranted: number
  /** grants a run now would make: matched − already granted, capped by the budget left */
  wouldGrant: number
  budgetLeft: number
  /** points the run would post, and their value in fen at 100 points = 1 yuan */
  points: number
  pointsValueFen: number
  coupons: number
  /** the coupon template's stock left, null = unlimited or no coupon */
  couponStockLeft: number | null
  /** plain-language warnings (stock short, window closed…) */
  warnings: string[]
}

export interface CampaignRunResult {
  granted: number
  skipped: number
  status: CampaignStatus
}

/** The period a member can be granted once in: the Shanghai year for birthdays, the campaign itself otherwise. */
export function grantPeriod(kind: CampaignKind, shanghaiDay: string): string {
  return kind === 'birthday_gift' ? shanghaiDay.slice(0, 4) : 'once'
}

/** Whether a campaign may grant at `now`: active and inside its window. */
export function campaignOpen(c: Pick<CampaignView, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  return c.status === 'active' && Date.parse(c.startsAt) <= now.getTime() && now.getTime() < Date.parse(c.endsAt)
}

/** Double-points days / member day as the console lists them (the rules live in `earning.campaigns`). */
export const POINTS_CAMPAIGN_STATUSES = ['running', 'scheduled', 'paused_budget', 'killed'] as const
export type PointsCampaignStatus = (typeof POINTS_CAMPAIGN_STATUSES)[number]
export const POINTS_CAMPAIGN_STATUS_LABELS: Record<PointsCampaignStatus, string> = {
  running: '今日进行中',
  scheduled: '未到活动日',
  paused_budget: '预算用尽已暂停',
  killed: '已紧急停止',
}

export interface PointsCampaignView {
  campaign: PointsCampaign
  status: PointsCampaignStatus
  /** the next Shanghai day it runs on (today included), within 60 days */
  nextDay: string | null
  /** the current budget period ('total' or 'YYYY-MM') and what it has used */
  budget: { points: number; period: 'total' | 'month'; periodKey: string; used: number; left: number } | null
  stoppedBy: string | null
  stoppedAt: string | null
  stopNote: string
}

export const pointsCampaignStopRequest = z.strictObject({
  note: z
    .string()
    .max(200)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters')
    .default(''),
})
