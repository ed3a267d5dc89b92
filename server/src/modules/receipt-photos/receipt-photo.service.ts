import { randomUUID } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import {
  autoApproves,
  ocrFlags,
  receiptDeadline,
  shanghaiDay,
  type ReceiptPhotoSubmitRequest,
  type ReceiptPhotoSubmission,
  type ReceiptPhotoUploadResponse,
  type ReceiptStoreOption,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { PurchaseService } from '../points/purchase.service'
import { storeModel, type StoreDoc } from '../stores/store.model'
import { alreadyEarned } from '../points/purchase-record'
import { intakePhoto, ocrInput } from './photo-intake'
import { ReceiptClaims } from './receipt-claims'
import type { ReceiptOcr } from './receipt-ocr'
import type { ReceiptPhotoRulesStore } from './receipt-photo-rules'
import type { ReceiptReviewService } from './receipt-review.service'
import {
  receiptPhotoModels,
  type ReceiptPhotoFileDoc,
  type ReceiptPhotoModels,
  type ReceiptSubmissionDoc,
} from './receipt-photo.model'

/** A purchase time this far ahead of our clock is a wrong clock on the phone, not a future purchase. */
const CLOCK_SKEW_MS = 5 * 60_000

/**
 * The member's side of 小票积分: upload a photo (checked, re-encoded, hashed, read by OCR), submit it with
 * the store, amount, receipt number and time, see one's submissions. Every rule that must hold under races
 * is a unique insert: the photo's use, a daily slot per store, and the receipt itself, recorded in the one
 * earn pipeline as a held purchase (so a till award, a 商圈 payment or another photo of it is refused).
 */
export class ReceiptPhotoService {
  readonly m: ReceiptPhotoModels
  private readonly Store
  private readonly claims: ReceiptClaims

  constructor(
    conn: Connection,
    private readonly purchases: PurchaseService,
    private readonly rules: ReceiptPhotoRulesStore,
    private readonly ocr: ReceiptOcr,
    private readonly review: ReceiptReviewService,
  ) {
    this.m = receiptPhotoModels(conn)
    this.Store = storeModel(conn)
    this.claims = new ReceiptClaims(this.m)
  }

  async upload(memberId: string, photo: string, now: Date): Promise<ReceiptPhotoUploadResponse> {
    if (!(await this.rules.current()).enabled) throw new DomainError('RECEIPT_PHOTO.DISABLED', 'receipt photos off')
    const intake = await intakePhoto(photo)
    const read = await this.ocr.read(await ocrInput(intake.jpeg))
    const doc: ReceiptPhotoFileDoc = {
      _id: randomUUID().replace(/-/g, ''),
      memberId,
      mime: 'image/jpeg',
      data: intake.jpeg,
      bytes: intake.jpeg.length,
      sha256: intake.sha256,
      dhash: intake.dhash,
      ocr: read?.fields ?? null,
      ocrMs: read?.ms ?? null,
      createdAt: now,
      submissionId: null,
      purgedAt: null,
    }
    await this.m.File.collection.insertOne(doc as never)
    const found = read && Object.values(read.fields).some((v) => v !== null)
    return { photoId: doc._id, ocr: found ? read.fields : null }
  }

  async submit(memberId: string, input: ReceiptPhotoSubmitRequest, now: Date): Promise<ReceiptPhotoSubmission> {
    const rules = await this.rules.current()
    if (!rules.enabled) throw new DomainError('RECEIPT_PHOTO.DISABLED', 'receipt photos are off')
    const purchasedAt = new Date(input.purchasedAt)
    if (purchasedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw new DomainError('RECEIPT_PHOTO.FUTURE_PURCHASE', 'purchase time is in the future')
    const deadline = receiptDeadline(purchasedAt, rules.deadlineDays)
    if (now >= deadline)
      throw new DomainError('RECEIPT_PHOTO.DEADLINE_PASSED', 'too late for this receipt', {
        deadline: deadline.toISOString(),
      })
    if (input.amountFen < rules.minAmountFen)
      throw new DomainError('RECEIPT_PHOTO.BELOW_MINIMUM', 'amount below the minimum', {
        minAmountFen: rules.minAmountFen,
      })
    const store = await this.purchases.stores.active(input.storeId)
    const photo = await this.m.File.findOne({ _id: input.photoId, memberId }, { data: 0 })
      .lean<ReceiptPhotoFileDoc>()
      .exec()
    if (!photo || photo.purgedAt) throw new DomainError('RECEIPT_PHOTO.NOT_FOUND', 'photo not found')
    const id = `${store._id}:${input.receiptNo}`
    const day = shanghaiDay(purchasedAt)

    // Each claim below is a unique insert; a refusal further on gives back the ones taken before it.
    // A claim's owner is the submission with its photo: a retry of this request holds what it took before.
    const owner = { submissionId: id, photoId: photo._id }
    const taken: string[] = []
    const release = () =>
      this.m.Claim.deleteMany({ _id: trusted({ $in: taken }), submissionId: id, photoId: photo._id }).exec()
    try {
      if (!(await this.claims.claim(`photo:${photo._id}`, owner, now)))
        throw new DomainError('RECEIPT_PHOTO.PHOTO_USED', 'photo already submitted')
      taken.push(`photo:${photo._id}`)
      const slot = await this.claims.daySlot(`slot:${memberId}:${store._id}:${day}`, rules.perStorePerDay, owner, now)
      if (!slot)
        throw new DomainError('RECEIPT_PHOTO.DAILY_LIMIT', 'daily receipts at this store used', {
          perStorePerDay: rules.perStorePerDay,
        })
      taken.push(slot)
      await this.holdReceipt(id, memberId, input, purchasedAt, photo._id)
      return await this.file(id, memberId, input, { purchasedAt, day, slot, photo, now, rules })
    } catch (err) {
      if (err instanceof DomainError) await release()
      throw err
    }
  }

  /** Records the receipt in the earn pipeline, held for review; the pipeline's keys refuse a second report. */
  private async holdReceipt(
    id: string,
    memberId: string,
    input: ReceiptPhotoSubmitRequest,
    purchasedAt: Date,
    photoId: string,
  ): Promise<void> {
    const expectedPoints = await this.purchases.expectedPoints({
      memberId,
      storeId: input.storeId,
      amountFen: input.amountFen,
      createdAt: purchasedAt,
    })
    const recorded = await this.purchases.recorder.record({
      channel: 'receipt_photo',
      purchaseId: id,
      storeId: input.storeId,
      receiptNo: input.receiptNo,
      ...(input.transactionId ? { transactionId: input.transactionId } : {}),
      memberId,
      amountFen: input.amountFen,
      at: purchasedAt,
      by: 'receipt_photo',
      status: 'pending_approval',
      expectedPoints,
    })
    if (recorded.outcome === 'linked') throw alreadyEarned(recorded.holder)
    if (recorded.outcome === 'recorded') return
    const held = recorded.purchase
    if (held.channel !== 'receipt_photo') {
      throw new DomainError('PURCHASE.ALREADY_EARNED', 'receipt already recorded by another channel', {
        channel: held.channel,
        purchaseId: held._id,
        at: new Date(held.createdAt).toISOString(),
      })
    }
    // This member's own submission cut short by a crash (same photo) is taken up again; anything else is refused.
    const mine = held.memberId === memberId ? await findById<ReceiptSubmissionDoc>(this.m.Submission, id) : null
    if (held.memberId !== memberId || (mine && mine.photoId !== photoId))
      throw new DomainError('RECEIPT_PHOTO.RECEIPT_CLAIMED', 'receipt already submitted', {
        at: new Date(mine?.submittedAt ?? held.createdAt).toISOString(),
      })
  }

  /** Writes the submission (flags, OCR) once, links the photo, and lets the auto-approve rule take it. */
  private async file(
    id: string,
    memberId: string,
    input: ReceiptPhotoSubmitRequest,
    c: {
      purchasedAt: Date
      day: string
      slot: string
      photo: ReceiptPhotoFileDoc
      now: Date
      rules: Awaited<ReturnType<ReceiptPhotoRulesStore['current']>>
    },
  ): Promise<ReceiptPhotoSubmission> {
    const flags = [
      ...(await this.claims.photoFlags(id, c.photo, c.now)),
      ...ocrFlags(c.photo.ocr, { amountFen: input.amountFen, receiptNo: input.receiptNo }),
    ]
    const doc: ReceiptSubmissionDoc = {
      _id: id,
      memberId,
      storeId: input.storeId,
      receiptNo: input.receiptNo,
      amountFen: input.amountFen,
      purchasedAt: c.purchasedAt,
      transactionId: input.transactionId ?? null,
      photoId: c.photo._id,
      submittedAt: c.now,
      day: c.day,
      slotId: c.slot,
      flags,
      ocr: c.photo.ocr,
      status: 'pending',
      approvedAmountFen: null,
      amountNote: null,
      rejectReason: null,
      decidedBy: null,
      decidedAt: null,
      autoApproved: false,
      points: 0,
    }
    await insertOnce(this.m.Submission, doc as never)
    await updateById(this.m.File, c.photo._id, { $set: { submissionId: id } })
    if (autoApproves(c.rules, { amountFen: input.amountFen, ocr: c.photo.ocr, flags })) {
      return this.review.decide(id, 'auto', { action: 'approve' }, c.now).catch((err) => {
        if (err instanceof DomainError) return this.review.view(id)
        throw err
      })
    }
    return this.review.view(id)
  }

  /** Active stores, by floor and name, for the member's store picker. */
  async stores(): Promise<ReceiptStoreOption[]> {
    const rows = await this.Store.find({ active: true }, { name: 1, floor: 1 })
      .sort({ floor: 1, name: 1 })
      .limit(500)
      .lean<Pick<StoreDoc, '_id' | 'name' | 'floor'>[]>()
      .exec()
    return rows.map((r) => ({ id: r._id, name: r.name, floor: r.floor ?? '' }))
  }

  /** The member's own submissions, newest first. */
  async mine(memberId: string): Promise<ReceiptPhotoSubmission[]> {
    return this.review.ofMember(memberId, 50)
  }

  /** A submission's photo: the owner's (memberId given) or a reviewer's (null). Others get 404, not 403. */
  async photo(submissionId: string, memberId: string | null): Promise<{ mime: string; data: Buffer }> {
    const s = await findById<ReceiptSubmissionDoc>(this.m.Submission, submissionId)
    if (!s || (memberId !== null && s.memberId !== memberId))
      throw new DomainError('RECEIPT_PHOTO.NOT_FOUND', 'receipt not found')
    // Not lean: the hydrated document gives the bytes as a Buffer on both backends.
    const file = await this.m.File.findById(s.photoId).exec()
    if (!file?.data) throw new DomainError('RECEIPT_PHOTO.NOT_FOUND', 'photo no longer kept')
    return { mime: file.mime, data: file.data }
  }
}
