import { Schema, type Connection, type Model } from 'mongoose'
import type {
  ReceiptOcrFields,
  ReceiptPhotoFlag,
  ReceiptPhotoRules,
  ReceiptPhotoStatus,
  ReceiptRejectReason,
} from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * A photo a member uploaded: re-encoded JPEG without metadata, its hashes, what OCR read. `_id` random;
 * `submissionId` is set by the submission that used it (a photo serves one submission). The bytes are
 * dropped (`data: null`) when the retention period ends.
 */
export interface ReceiptPhotoFileDoc {
  _id: string
  memberId: string
  mime: string
  data: Buffer | null
  bytes: number
  /** SHA-256 of the uploaded bytes */
  sha256: string
  /** 256-bit difference hash, 64 hex digits */
  dhash: string
  ocr: ReceiptOcrFields | null
  ocrMs: number | null
  createdAt: Date
  submissionId: string | null
  purgedAt: Date | null
}

/**
 * A submitted receipt. `_id` = its purchase's id (`<store>:<receiptNo>`), recorded in the earn pipeline at
 * submission (status 'pending_approval', channel 'receipt_photo'), so the receipt is held from the moment it
 * is submitted: a till award, a 商圈 payment or another member's photo of it meets the pipeline's keys.
 * `status` and the decision fields are a cache of the purchase's transition rows.
 */
export interface ReceiptSubmissionDoc {
  _id: string
  memberId: string
  storeId: string
  receiptNo: string
  amountFen: number
  purchasedAt: Date
  transactionId: string | null
  photoId: string
  submittedAt: Date
  /** Shanghai day of the purchase, and the per-store daily slot this submission holds (`<member>:<store>:<day>#n`) */
  day: string
  slotId: string
  flags: ReceiptPhotoFlag[]
  ocr: ReceiptOcrFields | null
  status: ReceiptPhotoStatus
  approvedAmountFen: number | null
  amountNote: string | null
  rejectReason: ReceiptRejectReason | null
  decidedBy: string | null
  decidedAt: Date | null
  autoApproved: boolean
  points: number
}

/**
 * Unique rows that decide one thing each: a daily slot (`slot:<member>:<store>:<day>#n`), a photo's exact
 * hash (`sha:<hex>` → the first submission with it), a photo's use (`photo:<photoId>`).
 */
export interface ReceiptClaimDoc {
  _id: string
  submissionId: string
  photoId: string
  at: Date
}

/** The operator's rules, one row (`_id` 'current') versioned through db/config-history.ts. */
export interface ReceiptRulesDoc extends ReceiptPhotoRules {
  _id: string
  configVersion?: number
}

const fileSchema = new Schema<ReceiptPhotoFileDoc>(
  {
    _id: String,
    memberId: String,
    mime: String,
    data: Buffer,
    bytes: Number,
    sha256: String,
    dhash: String,
    ocr: Schema.Types.Mixed,
    ocrMs: Number,
    createdAt: Date,
    submissionId: String,
    purgedAt: Date,
  },
  { versionKey: false, collection: 'receipt_photo_files', minimize: false },
)
fileSchema.index({ createdAt: 1 })

const submissionSchema = new Schema<ReceiptSubmissionDoc>(
  {
    _id: String,
    memberId: String,
    storeId: String,
    receiptNo: String,
    amountFen: Number,
    purchasedAt: Date,
    transactionId: String,
    photoId: String,
    submittedAt: Date,
    day: String,
    slotId: String,
    flags: Schema.Types.Mixed,
    ocr: Schema.Types.Mixed,
    status: String,
    approvedAmountFen: Number,
    amountNote: String,
    rejectReason: String,
    decidedBy: String,
    decidedAt: Date,
    autoApproved: Boolean,
    points: Number,
  },
  { versionKey: false, collection: 'receipt_submissions', minimize: false },
)
submissionSchema.index({ status: 1, submittedAt: 1 })
submissionSchema.index({ memberId: 1, submittedAt: -1 })

const claimSchema = new Schema<ReceiptClaimDoc>(
  { _id: String, submissionId: String, photoId: String, at: Date },
  { versionKey: false, collection: 'receipt_claims' },
)

const rulesSchema = new Schema<ReceiptRulesDoc>(
  {
    _id: String,
    enabled: Boolean,
    minAmountFen: Number,
    deadlineDays: Number,
    perStorePerDay: Number,
    retentionDays: Number,
    autoApprove: Schema.Types.Mixed,
    configVersion: Number,
  },
  { versionKey: false, collection: 'receipt_photo_rules', minimize: false },
)

export interface ReceiptPhotoModels {
  File: Model<ReceiptPhotoFileDoc>
  Submission: Model<ReceiptSubmissionDoc>
  Claim: Model<ReceiptClaimDoc>
  Rules: Model<ReceiptRulesDoc>
}

export const receiptPhotoModels = (conn: Connection): ReceiptPhotoModels => ({
  File: getModel(conn, 'ReceiptPhotoFile', fileSchema),
  Submission: getModel(conn, 'ReceiptSubmission', submissionSchema),
  Claim: getModel(conn, 'ReceiptClaim', claimSchema),
  Rules: getModel(conn, 'ReceiptPhotoRules', rulesSchema),
})
