import * as z from 'zod'
import { tierSummary, wechatCode } from './common'

export const memberCard = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  tier: tierSummary,
  pointsBalance: z.number().int(),
  phoneMasked: z.string().nullable(),
  joinedAt: z.string(),
})
export type MemberCard = z.infer<typeof memberCard>

export const bindPhoneRequest = z.strictObject({ code: wechatCode })

export const memberCodeResponse = z.object({
  code: z.string(),
  /** seconds per rotation step; the client refreshes when `refreshAt` passes */
  stepSeconds: z.number().int(),
  refreshAt: z.string(),
  serverTime: z.string(),
})
export type MemberCodeResponse = z.infer<typeof memberCodeResponse>

export const resolveMemberCodeRequest = z.strictObject({
  code: z.string().min(1).max(64),
})

/** What staff see after scanning: enough to confirm the person, not their private data. */
export const scannedMember = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  phoneMasked: z.string().nullable(),
  tier: tierSummary,
  pointsBalance: z.number().int(),
})
export type ScannedMember = z.infer<typeof scannedMember>
