import * as z from 'zod'

/**
 * 积分补登: a member reports a purchase whose points never arrived. The server first looks for it
 * (the purchase keys, WeChat Pay's unmapped queue and 待积分状态), answers what it found, and otherwise
 * files a claim the service desk or an operator decides. Amounts in fen; times ISO 8601.
 */
const storeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)
const receiptNo = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)
const transactionId = z.string().regex(/^[0-9A-Za-z]{1,32}$/)

/** POST /api/me/points-claims */
export const pointsClaimRequest = z.strictObject({
  storeId,
  purchasedAt: z.iso.datetime({ offset: true }),
  amountFen: z.number().int().min(1).max(100_000_000_00),
  receiptNo: receiptNo.optional(),
  transactionId: transactionId.optional(),
})
export type PointsClaimRequest = z.infer<typeof pointsClaimRequest>

export const pointsClaimStatus = z.enum(['pending', 'approved', 'rejected'])
export type PointsClaimStatus = z.infer<typeof pointsClaimStatus>

export const pointsClaimRejectReason = z.enum([
  'no_purchase_found',
  'already_earned',
  'info_mismatch',
  'not_eligible',
  'too_late',
])
export type PointsClaimRejectReason = z.infer<typeof pointsClaimRejectReason>

/** What members and staff read for each reason (never the enum value). */
export const POINTS_CLAIM_REJECT_REASONS_ZH: Record<PointsClaimRejectReason, string> = {
  no_purchase_found: '未查到该笔消费',
  already_earned: '该笔消费已积分',
  info_mismatch: '填写信息与消费记录不符',
  not_eligible: '该笔消费不参与积分',
  too_late: '超过补登期限',
}

export const POINTS_CLAIM_STATUS_ZH: Record<PointsClaimStatus, string> = {
  pending: '待审核',
  approved: '已补登',
  rejected: '未通过',
}

export const pointsClaim = z.object({
  claimId: z.string(),
  memberId: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  purchasedAt: z.string(),
  amountFen: z.number().int(),
  receiptNo: z.string().nullable(),
  transactionId: z.string().nullable(),
  status: pointsClaimStatus,
  /** points the approval posted (0 while pending or when refused) */
  points: z.number().int(),
  rejectReason: pointsClaimRejectReason.nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
})
export type PointsClaim = z.infer<typeof pointsClaim>

/**
 * What a filed claim found before any person looked at it: the purchase already earned, still being
 * processed (held for a manager, WeChat Pay's 待积分), the merchant not mapped (the operator's queue),
 * just earned now (a queued payment whose payer is this member), or nothing — then it is `filed`.
 */
export const pointsClaimFinding = z.enum(['already_earned', 'processing', 'merchant_unmapped', 'earned_now', 'filed'])
export type PointsClaimFinding = z.infer<typeof pointsClaimFinding>

export const POINTS_CLAIM_FINDINGS_ZH: Record<PointsClaimFinding, string> = {
  already_earned: '该笔消费已入账，请在积分明细中查看',
  processing: '该笔消费正在处理，积分稍后到账',
  merchant_unmapped: '该商户尚未关联，已转人工处理',
  earned_now: '已为您补入积分',
  filed: '已提交，服务台将在 3 个工作日内处理',
}

export const pointsClaimAnswer = z.object({
  finding: pointsClaimFinding,
  /** the zh-CN sentence for the finding */
  message: z.string(),
  /** points the purchase earned, when found earned */
  points: z.number().int().nullable(),
  claim: pointsClaim.nullable(),
})
export type PointsClaimAnswer = z.infer<typeof pointsClaimAnswer>

export const pointsClaimsPage = z.object({ items: z.array(pointsClaim) })
export type PointsClaimsPage = z.infer<typeof pointsClaimsPage>

export const pointsClaimsQuery = z.strictObject({ status: pointsClaimStatus.optional() })

/** POST /api/desk/points-claims/:claimId/approve — the amount as checked (editable). */
export const approvePointsClaimRequest = z.strictObject({ amountFen: z.number().int().min(1).max(100_000_000_00) })
/** POST /api/desk/points-claims/:claimId/reject */
export const rejectPointsClaimRequest = z.strictObject({ reason: pointsClaimRejectReason })
export const pointsClaimId = z.string().regex(/^[A-Za-z0-9_:.#-]{1,200}$/)
