import * as z from 'zod'
import { fen, tierSummary } from './common'

export const receiptNo = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ (max 40)')
export const scanToken = z.string().min(20).max(2048)

/** Staff: award points for a purchase at the caller's store, after scanning the member code. */
export const awardPurchaseRequest = z.strictObject({
  scanToken,
  receiptNo,
  amountFen: fen,
  /** the WeChat Pay order number (微信支付单号) when the customer paid with WeChat Pay: the purchase is then
   * known by it too, so a 智慧商圈 notification of the same payment is linked, never paid again */
  transactionId: z
    .string()
    .regex(/^[0-9A-Za-z]{1,32}$/)
    .optional(),
})

export const purchaseStatus = z.enum(['pending_approval', 'posting', 'posted', 'rejected', 'reversed'])

export const purchaseResult = z.object({
  purchaseId: z.string(),
  status: purchaseStatus,
  memberId: z.string(),
  storeId: z.string(),
  receiptNo: z.string(),
  amountFen: z.number().int(),
  points: z.number().int(),
  balanceAfter: z.number().int().nullable(),
  tier: tierSummary.nullable(),
  breakdown: z.record(z.string(), z.unknown()).nullable(),
  staffId: z.string(),
  createdAt: z.string(),
  /** the managers' approvals list: the member's nickname and the recording clerk's display name */
  memberName: z.string().optional(),
  staffName: z.string().optional(),
  /**
   * Present when this request repeated one already carried out (the same receipt scanned again, a
   * second approval): the answer is the original result, and this says who did it and when.
   */
  repeat: z
    .object({ action: z.enum(['award', 'approve', 'reject', 'reverse']), by: z.string(), at: z.string() })
    .optional(),
})
export type PurchaseResult = z.infer<typeof purchaseResult>

export const reversePurchaseRequest = z.strictObject({
  /** required for mall operators (no store of their own); staff of a store use their store */
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
  reason: z.enum(['undo', 'refund']),
  note: z.string().max(200).optional(),
})

export const approvePurchaseRequest = z.strictObject({
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
  approve: z.boolean(),
})

/** Staff at the service desk: the member spends points on a gift. */
export const redeemPointsRequest = z.strictObject({
  scanToken,
  points: z.number().int().min(1).max(10_000_000),
  item: z.string().min(1).max(60),
})

export const walletEntry = z.object({
  seq: z.number().int(),
  type: z.string(),
  title: z.string(),
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  createdAt: z.string(),
  storeName: z.string().nullable(),
  receiptNo: z.string().nullable(),
  amountFen: z.number().int().nullable(),
  /** how the purchase was reported, for an earn entry: 门店扫码, 微信支付 … (absent on other entries) */
  channel: z.string().nullable().optional(),
  /** how a purchase's points came about: "消费 ¥456.00：基础 456 分 × 1.2 倍（银卡会员）…" (earn entries) */
  explanation: z.string().optional(),
})
export type WalletEntry = z.infer<typeof walletEntry>

export const walletEntriesQuery = z.strictObject({
  beforeSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const walletEntriesPage = z.object({
  items: z.array(walletEntry),
  nextBeforeSeq: z.number().int().nullable(),
})
export type WalletEntriesPage = z.infer<typeof walletEntriesPage>

export const walletSummary = z.object({
  balance: z.number().int(),
  debt: z.number().int(),
  lifetimeEarned: z.number().int(),
  lifetimeSpent: z.number().int(),
  lifetimeExpired: z.number().int(),
  /** lots, so the client can run expiryPreview() itself */
  lots: z.array(z.object({ earnedMonth: z.string(), expiresOn: z.string(), remaining: z.number().int() })),
  /** the next 3 months of "N points expire on DATE" */
  expiring: z.array(z.object({ expiresOn: z.string(), points: z.number().int() })),
  serverTime: z.string(),
})
export type WalletSummary = z.infer<typeof walletSummary>

export const tierInfo = z.object({
  tierLevel: z.number().int(),
  spend: z.array(z.object({ month: z.string(), amount: z.number().int() })),
  growthBonus: z.array(z.object({ month: z.string(), amount: z.number().int() })),
  tiers: z.array(z.any()),
  serverTime: z.string(),
})
export type TierInfo = z.infer<typeof tierInfo>
