import * as z from 'zod'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

export const checkinResult = z.object({
  day: z.string(),
  kind: z.enum(['daily', 'makeup']),
  streak: z.number().int(),
  rewardPoints: z.number().int(),
  milestoneDay: z.number().int().nullable(),
  makeupCardsEarned: z.number().int(),
  /** present when the member had already checked in that day: the answer is that check-in's */
  repeat: z.object({ at: z.string() }).optional(),
})
export type CheckinResult = z.infer<typeof checkinResult>

export const checkinMonthQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
})

export const checkinStatus = z.object({
  today: z.string(),
  month: z.string(),
  checkedDays: z.array(z.string()),
  checkedInToday: z.boolean(),
  streak: z.number().int(),
  nextMilestone: z
    .object({ day: z.number().int(), bonusPoints: z.number().int(), inDays: z.number().int() })
    .nullable(),
  makeupCards: z.number().int(),
  makeupUsedThisMonth: z.number().int(),
  makeupMonthlyCap: z.number().int(),
  makeupCardPricePoints: z.number().int(),
  basePoints: z.number().int(),
  reminderSubscribed: z.boolean(),
})
export type CheckinStatus = z.infer<typeof checkinStatus>

export const makeupRequest = z.strictObject({ day })

export const reminderRequest = z.strictObject({ subscribe: z.boolean() })

export const inviteSummary = z.object({
  inviteCode: z.string(),
  /** H5 link; the mini-program shares the path `pages/card/index?inviter=CODE` */
  link: z.string(),
  sharePath: z.string(),
  friends: z.array(
    z.object({
      nickname: z.string(),
      status: z.enum(['registered', 'qualified', 'rewarded', 'capped', 'reversed']),
      joinedAt: z.string(),
      rewardPoints: z.number().int(),
    }),
  ),
  totals: z.object({
    invited: z.number().int(),
    purchased: z.number().int(),
    rewardPoints: z.number().int(),
    pendingRewards: z.number().int(),
  }),
  rules: z.object({
    inviteePoints: z.number().int(),
    inviterPoints: z.number().int(),
    dailyCap: z.number().int(),
    monthlyCap: z.number().int(),
  }),
})
export type InviteSummary = z.infer<typeof inviteSummary>

/**
 * The invite as a mini-program code (小程序码): scanned in WeChat it opens `page` with the invite
 * code as `scene`. `image` is a data URL (the server fetches and caches it; the access token stays there).
 */
export const inviteCodeImage = z.object({
  inviteCode: z.string(),
  page: z.string(),
  image: z.string().regex(/^data:image\/(jpeg|png|gif);base64,[A-Za-z0-9+/=]+$/),
})
export type InviteCodeImage = z.infer<typeof inviteCodeImage>
