import * as z from 'zod'

/**
 * 小票积分: a member photographs a receipt, the service desk reviews it, an approved one earns through the
 * one earn pipeline (channel `receipt_photo`). Amounts in fen; times ISO 8601. docs/receipt-photos.md
 */
const storeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)
const receiptNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/)
const transactionId = z.string().regex(/^[0-9]{10,32}$/)
export const receiptPhotoId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
/** a submission is known by its purchase's id, `<store>:<receiptNo>` */
export const receiptSubmissionId = z.string().regex(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{1,40}$/)

/** The decoded photo's upper bound; the body limit of the upload route leaves room for base64. */
export const RECEIPT_PHOTO_MAX_BYTES = 5 * 1024 * 1024
/** the upload route's body limit: a 5 MB photo in base64 is about 6.7 MB */
export const RECEIPT_PHOTO_BODY_LIMIT_BYTES = 8 * 1024 * 1024

/**
 * POST /api/me/receipt-photos/uploads: the photo alone (a data URL or plain base64); its type is read
 * from its bytes.
 */
export const receiptPhotoUploadRequest = z.strictObject({
  photo: z
    .string()
    .min(16)
    // bounded by the route's body limit; a larger decoded photo is RECEIPT_PHOTO.TOO_LARGE (413)
    .max(RECEIPT_PHOTO_BODY_LIMIT_BYTES),
})

/** What OCR read from the photo, for the form to prefill (each field null when not found). */
export const receiptOcrFields = z.object({
  amountFen: z.number().int().nullable(),
  receiptNo: z.string().nullable(),
  purchasedAt: z.string().nullable(),
  /** 微信支付单号 printed on the receipt (28 digits from 42); absent in readings stored before it was read */
  transactionId: z.string().nullable().optional(),
})
export type ReceiptOcrFields = z.infer<typeof receiptOcrFields>

export const receiptPhotoUploadResponse = z.object({
  photoId: z.string(),
  /** null when OCR is not installed or read nothing: the member types the fields */
  ocr: receiptOcrFields.nullable(),
})
export type ReceiptPhotoUploadResponse = z.infer<typeof receiptPhotoUploadResponse>

/** POST /api/me/receipt-photos */
export const receiptPhotoSubmitRequest = z.strictObject({
  photoId: receiptPhotoId,
  storeId,
  amountFen: z.number().int().min(1).max(100_000_000_00),
  receiptNo,
  purchasedAt: z.iso.datetime({ offset: true }),
  /** 微信支付单号 when the receipt shows one: a payment 商圈 already earned is then refused */
  transactionId: transactionId.optional(),
})
export type ReceiptPhotoSubmitRequest = z.infer<typeof receiptPhotoSubmitRequest>

export const RECEIPT_REJECT_REASONS = [
  'unreadable',
  'info_mismatch',
  'not_mall_store',
  'duplicate',
  'too_late',
  'not_eligible',
] as const
export type ReceiptRejectReason = (typeof RECEIPT_REJECT_REASONS)[number]
/** What members and staff read for each reason (never the enum value). */
export const RECEIPT_REJECT_REASONS_ZH: Record<ReceiptRejectReason, string> = {
  unreadable: '小票照片不清晰',
  info_mismatch: '填写信息与小票不符',
  not_mall_store: '非本商场门店小票',
  duplicate: '重复提交的小票',
  too_late: '超过提交期限',
  not_eligible: '该笔消费不参与积分',
}

export const receiptPhotoStatus = z.enum(['pending', 'approved', 'rejected', 'undone'])
export type ReceiptPhotoStatus = z.infer<typeof receiptPhotoStatus>
export const RECEIPT_PHOTO_STATUS_ZH: Record<ReceiptPhotoStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
  undone: '已撤销',
}

export const RECEIPT_FLAGS = ['same_photo', 'similar_photo', 'ocr_amount_mismatch', 'ocr_receipt_mismatch'] as const
export type ReceiptFlag = (typeof RECEIPT_FLAGS)[number]
export const RECEIPT_FLAGS_ZH: Record<ReceiptFlag, string> = {
  same_photo: '同一张照片已提交过',
  similar_photo: '与已提交的照片高度相似',
  ocr_amount_mismatch: '识别金额与填写金额不符',
  ocr_receipt_mismatch: '识别单号与填写单号不符',
}

export const receiptPhotoFlag = z.object({
  kind: z.enum(RECEIPT_FLAGS),
  /** the earlier submission it resembles (photo flags) */
  otherSubmissionId: z.string().nullable(),
  /** bits apart of the 256-bit difference hashes (0 = the same picture) */
  distance: z.number().int().nullable(),
})
export type ReceiptPhotoFlag = z.infer<typeof receiptPhotoFlag>

export const receiptPhotoSubmission = z.object({
  submissionId: z.string(),
  memberId: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  amountFen: z.number().int(),
  /** the amount the reviewer approved when it differs from the entered one */
  approvedAmountFen: z.number().int().nullable(),
  amountNote: z.string().nullable(),
  receiptNo: z.string(),
  purchasedAt: z.string(),
  submittedAt: z.string(),
  status: receiptPhotoStatus,
  points: z.number().int(),
  rejectReason: z.enum(RECEIPT_REJECT_REASONS).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  autoApproved: z.boolean(),
  flags: z.array(receiptPhotoFlag),
  ocr: receiptOcrFields.nullable(),
  /** false once the retention period removed the photo */
  hasPhoto: z.boolean(),
})
export type ReceiptPhotoSubmission = z.infer<typeof receiptPhotoSubmission>

/** GET /api/me/receipt-photos/stores: the stores a receipt can be from (active ones), for the member's picker. */
export const receiptStoreOption = z.object({ id: z.string(), name: z.string(), floor: z.string() })
export type ReceiptStoreOption = z.infer<typeof receiptStoreOption>

export const receiptQueueQuery = z.strictObject({
  status: receiptPhotoStatus.default('pending'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})
export type ReceiptQueueQuery = z.infer<typeof receiptQueueQuery>

export const receiptQueuePage = z.object({
  items: z.array(receiptPhotoSubmission),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
})
export type ReceiptQueuePage = z.infer<typeof receiptQueuePage>

/** A submission with what the reviewer weighs it against: the member's recent receipts. */
export const receiptReviewDetail = z.object({
  submission: receiptPhotoSubmission,
  recent: z.array(receiptPhotoSubmission),
})
export type ReceiptReviewDetail = z.infer<typeof receiptReviewDetail>

export const receiptApproveRequest = z
  .strictObject({
    amountFen: z.number().int().min(1).max(100_000_000_00).optional(),
    /** required when the amount differs from the entered one */
    note: z.string().trim().min(1).max(100).optional(),
  })
  .refine((b) => b.amountFen === undefined || b.note !== undefined, {
    message: 'an edited amount needs a note',
    path: ['note'],
  })

export const receiptRejectRequest = z.strictObject({ reason: z.enum(RECEIPT_REJECT_REASONS) })
export const receiptUndoRequest = z.strictObject({})

/** The operator's rules, versioned (db/config-history.ts). */
export const receiptPhotoRulesSchema = z.strictObject({
  enabled: z.boolean(),
  minAmountFen: z.number().int().min(0).max(100_000_00),
  /** submissions accepted until 23:59 Shanghai time this many days after the purchase day (0 = same day) */
  deadlineDays: z.number().int().min(0).max(90),
  /** receipts per member, per store, per Shanghai purchase day */
  perStorePerDay: z.number().int().min(1).max(20),
  /** days a decided submission's photo is kept */
  retentionDays: z.number().int().min(1).max(3650),
  autoApprove: z.strictObject({
    enabled: z.boolean(),
    /** at most this amount (fen) */
    maxAmountFen: z.number().int().min(0).max(100_000_00),
    /** OCR read the same amount the member entered */
    requireOcrAmountMatch: z.boolean(),
  }),
})
export type ReceiptPhotoRules = z.infer<typeof receiptPhotoRulesSchema>

export const receiptPhotoRulesView = receiptPhotoRulesSchema.extend({ version: z.number().int() })
export type ReceiptPhotoRulesView = z.infer<typeof receiptPhotoRulesView>

export const receiptPhotoRulesRequest = receiptPhotoRulesSchema.extend({
  version: z.number().int().min(0),
  note: z.string().trim().min(1).max(200),
})

export const DEFAULT_RECEIPT_PHOTO_RULES: ReceiptPhotoRules = {
  enabled: true,
  minAmountFen: 10_00,
  deadlineDays: 1,
  perStorePerDay: 3,
  retentionDays: 180,
  autoApprove: { enabled: false, maxAmountFen: 500_00, requireOcrAmountMatch: true },
}

export const receiptSlaQuery = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
})

/** Time to decision of submissions decided in the range, and what still waits. */
export const receiptSla = z.object({
  decided: z.number().int(),
  autoApproved: z.number().int(),
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
  pending: z.number().int(),
  oldestPendingMinutes: z.number().nullable(),
})
export type ReceiptSla = z.infer<typeof receiptSla>
