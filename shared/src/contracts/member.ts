import * as z from 'zod'
import { tierSummary, wechatCode } from './common'

/** A real calendar date between 1900 and today, 'YYYY-MM-DD'. */
export const birthdayRequest = z.strictObject({
  birthday: z
    .string()
    .regex(/^(19|20)\d{2}-\d{2}-\d{2}$/)
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`)
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getTime() <= Date.now()
    }, 'a real past date'),
})

export const memberCard = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  tier: tierSummary,
  pointsBalance: z.number().int(),
  phoneMasked: z.string().nullable(),
  joinedAt: z.string(),
  /** null until the member sets it (then birthday gifts apply) */
  birthday: z.string().nullable().optional(),
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
  /** absent for clerks: at the till they see tier and points, not the phone number */
  phoneMasked: z.string().nullable().optional(),
  tier: tierSummary,
  pointsBalance: z.number().int(),
})
export type ScannedMember = z.infer<typeof scannedMember>
