import * as z from 'zod'
import { LIFECYCLE_LABELS, LIFECYCLE_STAGES, type LifecycleStage, type MemberInsight } from '../rules/member-insight'

/**
 * Member segments (人群分群): a saved filter over member profiles, and member insight for the
 * operator console. A definition is a conjunction: a member matches when every condition given
 * matches; an empty definition is every member.
 */

export const lifecycleStageSchema = z.enum(LIFECYCLE_STAGES as [LifecycleStage, ...LifecycleStage[]])

/** A tag an operator puts on a member: Chinese characters, latin letters, digits, space, _ - · ; 1–20 characters. */
export const memberTag = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[\u4e00-\u9fffA-Za-z0-9_\- ·]+$/, 'Chinese characters, letters, digits, space, _ - · only')

const score = z.number().int().min(1).max(5)
const scoreRange = z
  .strictObject({ min: score.optional(), max: score.optional() })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max')
const days = z.number().int().min(1).max(3650)

export const segmentDefinition = z
  .strictObject({
    /** current tier level is one of these */
    tierLevels: z.array(z.number().int().min(1).max(10)).min(1).max(10).optional(),
    /** lifecycle stage is one of these */
    lifecycles: z.array(lifecycleStageSchema).min(1).max(5).optional(),
    /** churn-risk flag equals this */
    churnRisk: z.boolean().optional(),
    /** RFM score bounds per letter, inclusive */
    rfm: z.strictObject({ r: scoreRange.optional(), f: scoreRange.optional(), m: scoreRange.optional() }).optional(),
    /** has at least one of these tags */
    tagsAny: z.array(memberTag).min(1).max(20).optional(),
    /** joined fewer than N days ago */
    joinedWithinDays: days.optional(),
    /** last purchase fewer than N days ago */
    lastPurchaseWithinDays: days.optional(),
    /** no purchase for N days or more (or never) */
    notPurchasedForDays: days.optional(),
    /** birthday in the current (Shanghai) month */
    birthdayThisMonth: z.literal(true).optional(),
  })
  .refine(
    (d) =>
      d.lastPurchaseWithinDays === undefined ||
      d.notPurchasedForDays === undefined ||
      d.notPurchasedForDays < d.lastPurchaseWithinDays,
    {
      message: 'notPurchasedForDays must be below lastPurchaseWithinDays (last purchase between the two)',
      path: ['notPurchasedForDays'],
    },
  )
export type SegmentDefinition = z.infer<typeof segmentDefinition>

/**
 * What a segment is matched against: one member as of an instant (`asOf`); every relative figure
 * (days since joining, the current month) is already resolved, so matching is pure.
 */
export interface SegmentProfile {
  memberId: string
  tierLevel: number
  tags: string[]
  joinedDays: number
  /** 1–12, or null when the member has no birthday on file */
  birthdayMonth: number | null
  /** the Shanghai calendar month (1–12) of `asOf` */
  currentMonth: number
  insight: MemberInsight
}

const inRange = (v: number, r: { min?: number; max?: number } | undefined) =>
  !r || ((r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max))

export function matchesSegment(p: SegmentProfile, d: SegmentDefinition): boolean {
  const recency = p.insight.rfm.recencyDays
  if (d.tierLevels && !d.tierLevels.includes(p.tierLevel)) return false
  if (d.lifecycles && !d.lifecycles.includes(p.insight.lifecycle)) return false
  if (d.churnRisk !== undefined && p.insight.churn.atRisk !== d.churnRisk) return false
  if (
    d.rfm &&
    !(inRange(p.insight.rfm.r, d.rfm.r) && inRange(p.insight.rfm.f, d.rfm.f) && inRange(p.insight.rfm.m, d.rfm.m))
  )
    return false
  if (d.tagsAny && !d.tagsAny.some((t) => p.tags.includes(t))) return false
  if (d.joinedWithinDays !== undefined && !(p.joinedDays < d.joinedWithinDays)) return false
  if (d.lastPurchaseWithinDays !== undefined && !(recency !== null && recency < d.lastPurchaseWithinDays)) return false
  // Never bought: the days without a purchase count from joining (a member who joined today is not dormant).
  if (d.notPurchasedForDays !== undefined && !((recency ?? p.joinedDays) >= d.notPurchasedForDays)) return false
  if (d.birthdayThisMonth && p.birthdayMonth !== p.currentMonth) return false
  return true
}

/** Month (1–12) of a stored birthday: 'YYYY-MM-DD' or 'MM-DD'; null for anything else. */
export function birthdayMonthOf(birthday: unknown): number | null {
  if (typeof birthday !== 'string') return null
  const m = /^(?:\d{4}-)?(\d{2})-\d{2}$/.exec(birthday)
  const month = m ? Number(m[1]) : NaN
  return month >= 1 && month <= 12 ? month : null
}

/** One-line Chinese summary of a definition, for lists and confirmations. */
export function describeSegment(d: SegmentDefinition): string {
  const parts: string[] = []
  if (d.tierLevels) parts.push(`等级 ${d.tierLevels.join('/')}`)
  if (d.lifecycles) parts.push(`生命周期 ${d.lifecycles.map((s) => LIFECYCLE_LABELS[s]).join('/')}`)
  if (d.churnRisk !== undefined) parts.push(d.churnRisk ? '有流失风险' : '无流失风险')
  for (const k of ['r', 'f', 'm'] as const) {
    const r = d.rfm?.[k]
    if (r && (r.min !== undefined || r.max !== undefined)) parts.push(`${k.toUpperCase()} ${r.min ?? 1}–${r.max ?? 5}`)
  }
  if (d.tagsAny) parts.push(`标签含 ${d.tagsAny.join('、')} 之一`)
  if (d.joinedWithinDays !== undefined) parts.push(`入会 ${d.joinedWithinDays} 天内`)
  if (d.lastPurchaseWithinDays !== undefined) parts.push(`${d.lastPurchaseWithinDays} 天内有消费`)
  if (d.notPurchasedForDays !== undefined) parts.push(`${d.notPurchasedForDays} 天以上未消费`)
  if (d.birthdayThisMonth) parts.push('本月生日')
  return parts.length ? parts.join('；') : '全部会员'
}

const segmentName = z.string().trim().min(1).max(40)
const segmentDescription = z.string().trim().max(200)

export const createSegmentRequest = z.strictObject({
  name: segmentName,
  description: segmentDescription.default(''),
  definition: segmentDefinition,
  note: z.string().max(200).default(''),
})

export const updateSegmentRequest = z.strictObject({
  name: segmentName,
  description: segmentDescription.default(''),
  definition: segmentDefinition,
  /** the version the operator edited; a newer one saved meanwhile → 409 */
  version: z.number().int().min(1),
  note: z.string().max(200).default(''),
})

export const deleteSegmentRequest = z.strictObject({
  version: z.number().int().min(1),
  note: z.string().max(200).default(''),
})

export const previewSegmentRequest = z.strictObject({ definition: segmentDefinition })

export const segmentBody = z.object({ name: z.string(), description: z.string(), definition: segmentDefinition })
export type SegmentBody = z.infer<typeof segmentBody>

export interface SegmentView {
  id: string
  name: string
  description: string
  definition: SegmentDefinition
  summary: string
  version: number
  createdBy: string
  createdAt: string
  updatedBy: string
  updatedAt: string
  /** members matching now (when computed) */
  count?: number
}

export interface SegmentVersionView {
  segmentId: string
  version: number
  action: 'create' | 'update' | 'delete'
  changedBy: string
  changedAt: string
  before: SegmentBody | null
  after: SegmentBody | null
  note: string
}

/** A member row in the console: no full phone number, ever. */
export interface MemberRow {
  memberId: string
  /** masked (张*明): the console never lists names in clear */
  nickname: string
  phoneMasked: string | null
  tierLevel: number
  joinedAt: string
  tags: string[]
  lifecycle: LifecycleStage
  rfm: string
  churnRisk: boolean
  /** 注销账号 under way or done (the console's member list marks it beside the name); absent for everyone else */
  deletion?: 'pending' | 'erased'
}

export interface SegmentPreview {
  count: number
  /** all members considered */
  population: number
  asOf: string
  /** how old the member and purchase data behind the count is (a preview may reuse a read from a few seconds ago) */
  dataAgeSeconds: number
  /** the first 50 matching members, by member number */
  sample: MemberRow[]
}

export const memberSearchQuery = z.strictObject({
  /** member number (prefix), phone number suffix (digits), or part of the nickname */
  q: z.string().trim().max(40).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})

export const memberTabQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})

export const memberLedgerQuery = z.strictObject({
  beforeSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

export const memberTagsRequest = z
  .strictObject({ add: z.array(memberTag).max(20).default([]), remove: z.array(memberTag).max(20).default([]) })
  .refine((b) => b.add.length + b.remove.length > 0, 'add or remove at least one tag')
  .refine((b) => !b.add.some((t) => b.remove.includes(t)), 'a tag cannot be added and removed at once')

/** Most tags one member can carry. */
export const MAX_MEMBER_TAGS = 30

export interface MemberDetail {
  memberId: string
  nickname: string
  phoneMasked: string | null
  tier: { level: number; name: string }
  joinedAt: string
  channel: string
  inviterId: string | null
  wallet: { balance: number; debt: number; lifetimeEarned: number; lifetimeSpent: number; lifetimeExpired: number }
  tags: string[]
  /** the decade only ('199*-**-**'); null when none is on file */
  birthdayMasked: string | null
  insight: MemberInsight
  /** total spend of posted purchases, all time (fen) */
  lifetimeSpendFen: number
  definitions: { rfm: string; lifecycle: Record<LifecycleStage, string>; churn: string }
  asOf: string
  /** the account was erased (注销账号): the console shows 已注销 and offers no action on it */
  erased: boolean
}
