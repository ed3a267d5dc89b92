import * as z from 'zod'

/**
 * Operator actions on a member (console 会员): a manual points adjustment and freezing, each with a
 * reason. An adjustment at or above the approval threshold waits for a second operator (maker-checker).
 */
const reason = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters')

export const MAX_ADJUSTMENT_POINTS = 1_000_000

export const pointsAdjustmentRequest = z.strictObject({
  points: z
    .number()
    .int()
    .min(-MAX_ADJUSTMENT_POINTS)
    .max(MAX_ADJUSTMENT_POINTS)
    .refine((n) => n !== 0, 'not zero'),
  reason,
})
export type PointsAdjustmentRequest = z.infer<typeof pointsAdjustmentRequest>

export const memberFreezeRequest = z.strictObject({ reason })
export const memberRequestRejectRequest = z.strictObject({ reason })

export const memberRequestStates = ['pending', 'approved', 'rejected', 'applied', 'refused'] as const
export type MemberRequestState = (typeof memberRequestStates)[number]

export const MEMBER_REQUEST_STATE_LABELS: Record<MemberRequestState, string> = {
  pending: '待审批',
  approved: '已批准（入账中）',
  rejected: '已驳回',
  applied: '已入账',
  refused: '未能入账',
}

export const memberRequestsQuery = z.strictObject({
  state: z.enum(memberRequestStates).optional(),
  memberId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
})

export interface MemberRequestView {
  requestId: string
  kind: 'adjust'
  memberId: string
  points: number
  reason: string
  requestedBy: string
  requestedAt: string
  /** true when the amount reached the threshold and a second operator decides */
  needsApproval: boolean
  state: MemberRequestState
  decidedBy: string | null
  decidedAt: string | null
  decisionReason: string | null
  /** the ledger entry once applied; the refusal's error code when the ledger refused it */
  entryId: string | null
  refusal: string | null
}

export interface MemberStatusView {
  memberId: string
  frozen: boolean
  /** the freeze or unfreeze that set the state now shown (null: never frozen) */
  changedBy: string | null
  changedAt: string | null
  reason: string | null
  /** adjustments of at least this many points (either sign) need a second operator */
  approvalThreshold: number
}
