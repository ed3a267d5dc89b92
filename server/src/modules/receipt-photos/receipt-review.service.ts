import { trusted } from 'mongoose'
import {
  addDays,
  median,
  percentile,
  startOfShanghaiDay,
  type ReceiptPhotoStatus,
  type ReceiptPhotoSubmission,
  type ReceiptQueuePage,
  type ReceiptQueueQuery,
  type ReceiptRejectReason,
  type ReceiptReviewDetail,
  type ReceiptSla,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { DomainError } from '../../errors/domain-error'
import type { PurchaseService } from '../points/purchase.service'
import type { PurchaseReviewService } from '../points/purchase-review.service'
import type { ReceiptPhotoRulesStore } from './receipt-photo-rules'
import type { ReceiptPhotoModels, ReceiptSubmissionDoc } from './receipt-photo.model'

export type ReviewCommand =
  | { action: 'approve'; amountFen?: number; note?: string }
  | { action: 'reject'; reason: ReceiptRejectReason }
  | { action: 'undo' }

type Audience = 'member' | 'staff'
const RECENT_LIMIT = 10
/** Uploads never submitted are dropped after a day. */
const UNSUBMITTED_KEEP_MS = 86_400_000
/** A pending row older than this is checked against its purchase's rows by the sweeper. */
const REPAIR_AFTER_MS = 60_000

/** The cached decision fields as the purchase's transition rows say they are. */
type DecisionFields = Pick<
  ReceiptSubmissionDoc,
  'status' | 'approvedAmountFen' | 'amountNote' | 'rejectReason' | 'decidedBy' | 'decidedAt' | 'autoApproved' | 'points'
>

/**
 * The desk's side of 小票积分: the queue, a submission with the member's recent receipts, approve (posts the
 * held purchase through the earn pipeline, amount editable with a note), reject with a listed reason, undo an
 * approval. Each is a transition row of the purchase claimed by a unique insert (PurchaseReviewService.review):
 * of 20 desks deciding at once one wins, the others get 409 with who and when. The submission's status is a
 * cache of those rows, repaired on read and by the sweeper.
 */
export class ReceiptReviewService {
  constructor(
    private readonly m: ReceiptPhotoModels,
    private readonly purchases: PurchaseService,
    private readonly purchaseReview: PurchaseReviewService,
    private readonly rules: ReceiptPhotoRulesStore,
  ) {}

  async decide(id: string, by: string, cmd: ReviewCommand, now: Date): Promise<ReceiptPhotoSubmission> {
    const s = await this.load(id)
    const extras =
      cmd.action === 'approve' && cmd.amountFen !== undefined && cmd.amountFen !== s.amountFen
        ? { amountFen: cmd.amountFen, note: cmd.note ?? '' }
        : cmd.action === 'reject'
          ? { note: cmd.reason }
          : {}
    await this.purchaseReview.review(by, id, cmd.action, now, extras)
    return this.view(id, 'staff')
  }

  async view(id: string, audience: Audience = 'member'): Promise<ReceiptPhotoSubmission> {
    return this.toView(await this.synced(await this.load(id)), audience)
  }

  async ofMember(memberId: string, limit: number, audience: Audience = 'member'): Promise<ReceiptPhotoSubmission[]> {
    const rows = await this.m.Submission.find({ memberId })
      .sort({ submittedAt: -1 })
      .limit(limit)
      .lean<ReceiptSubmissionDoc[]>()
      .exec()
    return Promise.all(rows.map(async (r) => this.toView(await this.synced(r), audience)))
  }

  async queue(q: ReceiptQueueQuery): Promise<ReceiptQueuePage> {
    const filter = { status: q.status }
    const [rows, total] = await Promise.all([
      this.m.Submission.find(filter)
        .sort({ submittedAt: q.status === 'pending' ? 1 : -1, _id: 1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean<ReceiptSubmissionDoc[]>()
        .exec(),
      this.m.Submission.countDocuments(filter).exec(),
    ])
    const items = await Promise.all(rows.map(async (r) => this.toView(await this.synced(r), 'staff')))
    return { items, total, page: q.page, pageSize: q.pageSize }
  }

  async detail(id: string): Promise<ReceiptReviewDetail> {
    const submission = await this.view(id, 'staff')
    const recent = (await this.ofMember(submission.memberId, RECENT_LIMIT + 1, 'staff')).filter(
      (r) => r.submissionId !== id,
    )
    return { submission, recent: recent.slice(0, RECENT_LIMIT) }
  }

  /** Median and p90 minutes from submission to decision, of submissions decided in the Shanghai days given. */
  async sla(from: string, to: string, now: Date): Promise<ReceiptSla> {
    const range = { $gte: startOfShanghaiDay(from), $lt: startOfShanghaiDay(addDays(to, 1)) }
    const [decided, oldest, pending] = await Promise.all([
      this.m.Submission.find({ decidedAt: trusted(range) }, { submittedAt: 1, decidedAt: 1, autoApproved: 1 })
        .lean<Pick<ReceiptSubmissionDoc, 'submittedAt' | 'decidedAt' | 'autoApproved'>[]>()
        .exec(),
      this.m.Submission.findOne({ status: 'pending' }, { submittedAt: 1 })
        .sort({ submittedAt: 1 })
        .lean<Pick<ReceiptSubmissionDoc, 'submittedAt'>>()
        .exec(),
      this.m.Submission.countDocuments({ status: 'pending' }).exec(),
    ])
    const minutes = decided.map(
      (d) => Math.round(((new Date(d.decidedAt!).getTime() - new Date(d.submittedAt).getTime()) / 60_000) * 10) / 10,
    )
    return {
      decided: decided.length,
      autoApproved: decided.filter((d) => d.autoApproved).length,
      medianMinutes: median(minutes),
      p90Minutes: percentile(minutes, 90),
      pending,
      oldestPendingMinutes: oldest
        ? Math.round((now.getTime() - new Date(oldest.submittedAt).getTime()) / 60_000)
        : null,
    }
  }

  /**
   * Repairs pending caches whose decision rows were written by a writer that died (its purchase sweeper
   * finishes the posting), and drops photos past retention: decided submissions' after the operator's
   * period, uploads never submitted after a day. The submission rows stay (the hashes keep flagging copies).
   */
  async sweep(now: Date): Promise<{ repaired: number; purged: number }> {
    const stale = await this.m.Submission.find({
      status: trusted({ $in: ['pending', 'approved'] }),
      submittedAt: trusted({ $lt: new Date(now.getTime() - REPAIR_AFTER_MS) }),
    })
      .limit(500)
      .lean<ReceiptSubmissionDoc[]>()
      .exec()
    let repaired = 0
    for (const s of stale) if ((await this.synced(s)) !== s) repaired++
    const { retentionDays } = await this.rules.current()
    const expired = await this.m.Submission.find(
      {
        status: trusted({ $in: ['approved', 'rejected', 'undone'] }),
        decidedAt: trusted({ $lt: new Date(now.getTime() - retentionDays * 86_400_000) }),
      },
      { photoId: 1 },
    )
      .lean<Pick<ReceiptSubmissionDoc, 'photoId'>[]>()
      .exec()
    const purge = { $set: { data: null, purgedAt: now } }
    const [decided, unsubmitted] = await Promise.all([
      this.m.File.updateMany({ _id: trusted({ $in: expired.map((e) => e.photoId) }), purgedAt: null }, purge).exec(),
      this.m.File.updateMany(
        {
          submissionId: null,
          purgedAt: null,
          createdAt: trusted({ $lt: new Date(now.getTime() - UNSUBMITTED_KEEP_MS) }),
        },
        purge,
      ).exec(),
    ])
    return { repaired, purged: decided.modifiedCount + unsubmitted.modifiedCount }
  }

  private async load(id: string): Promise<ReceiptSubmissionDoc> {
    const s = await findById<ReceiptSubmissionDoc>(this.m.Submission, id)
    if (!s) throw new DomainError('RECEIPT_PHOTO.NOT_FOUND', 'receipt not found')
    return s
  }

  /** The row with its decision fields as the purchase's rows say (written back when they differ). */
  private async synced(s: ReceiptSubmissionDoc): Promise<ReceiptSubmissionDoc> {
    const { purchase, decision, reversal } = await this.purchases.status.load(s._id)
    const status: ReceiptPhotoStatus = reversal
      ? 'undone'
      : decision?.outcome === 'rejected'
        ? 'rejected'
        : decision
          ? 'approved'
          : 'pending'
    const approved = decision?.outcome === 'approved'
    const fields: DecisionFields = {
      status,
      approvedAmountFen: approved ? (decision.amountFen ?? null) : null,
      amountNote: approved ? (decision.note ?? null) : null,
      rejectReason:
        decision?.outcome === 'rejected' ? ((decision.note ?? 'info_mismatch') as ReceiptRejectReason) : null,
      decidedBy: decision?.by ?? null,
      decidedAt: decision ? new Date(decision.at) : null,
      autoApproved: decision?.by === 'auto',
      points: status === 'approved' && purchase.status === 'posted' ? purchase.points : 0,
    }
    const same = (Object.keys(fields) as (keyof DecisionFields)[]).every(
      (k) => String(fields[k] ?? '') === String(s[k] ?? ''),
    )
    if (same) return s
    await updateById(this.m.Submission, s._id, { $set: fields })
    return { ...s, ...fields }
  }

  private async toView(s: ReceiptSubmissionDoc, audience: Audience): Promise<ReceiptPhotoSubmission> {
    const store = await this.purchases.stores.active(s.storeId).catch(() => null)
    const file = await this.m.File.findById(s.photoId, { purgedAt: 1 }).lean<{ purgedAt: Date | null }>().exec()
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
    return {
      submissionId: s._id,
      memberId: s.memberId,
      storeId: s.storeId,
      storeName: store?.name ?? s.storeId,
      amountFen: s.amountFen,
      approvedAmountFen: s.approvedAmountFen,
      amountNote: s.amountNote,
      receiptNo: s.receiptNo,
      purchasedAt: new Date(s.purchasedAt).toISOString(),
      submittedAt: new Date(s.submittedAt).toISOString(),
      status: s.status,
      points: s.points,
      rejectReason: s.rejectReason,
      // Members do not see staff account names.
      decidedBy: audience === 'staff' ? s.decidedBy : null,
      decidedAt: iso(s.decidedAt),
      autoApproved: s.autoApproved,
      flags: audience === 'staff' ? s.flags : [],
      ocr: s.ocr,
      hasPhoto: !!file && !file.purgedAt,
    }
  }
}
