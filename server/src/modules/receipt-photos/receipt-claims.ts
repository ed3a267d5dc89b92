import { trusted } from 'mongoose'
import { SIMILAR_PHOTO_MAX_DISTANCE, hammingDistance, type ReceiptPhotoFlag } from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import type { ReceiptClaimDoc, ReceiptPhotoFileDoc, ReceiptPhotoModels } from './receipt-photo.model'

type ClaimOwner = Pick<ReceiptClaimDoc, 'submissionId' | 'photoId'>

/** How far back a new photo is compared with earlier ones for near-identical pictures. */
const SIMILAR_LOOKBACK_DAYS = 90
const SIMILAR_SCAN_LIMIT = 5_000

/**
 * The claim rows behind a receipt-photo submission, each a unique insert owned by the submission and
 * its photo: the photo's use, a daily slot per member and store, the photo file's hash (the first
 * submission owns it); and the reviewer's flags for the same or a near-identical picture.
 */
export class ReceiptClaims {
  constructor(private readonly m: ReceiptPhotoModels) {}

  /**
   * The same file (its SHA-256, by a unique insert: the first submission owns the hash) or a picture a few
   * bits from an earlier one (difference hash) → flags for the reviewer. The near search reads recent
   * photos: it informs a person, it decides nothing.
   */
  async photoFlags(id: string, photo: ReceiptPhotoFileDoc, now: Date): Promise<ReceiptPhotoFlag[]> {
    const flags: ReceiptPhotoFlag[] = []
    const sha = `sha:${photo.sha256}`
    if (!(await this.claim(sha, { submissionId: id, photoId: photo._id }, now))) {
      const holder = await findById<ReceiptClaimDoc>(this.m.Claim, sha)
      if (holder && holder.submissionId !== id)
        flags.push({ kind: 'same_photo', otherSubmissionId: holder.submissionId, distance: 0 })
    }
    const since = new Date(now.getTime() - SIMILAR_LOOKBACK_DAYS * 86_400_000)
    const recent = await this.m.File.find(
      { createdAt: trusted({ $gte: since }), submissionId: trusted({ $ne: null }) },
      { dhash: 1, submissionId: 1, sha256: 1 },
    )
      .sort({ createdAt: -1 })
      .limit(SIMILAR_SCAN_LIMIT)
      .lean<Pick<ReceiptPhotoFileDoc, '_id' | 'dhash' | 'submissionId' | 'sha256'>[]>()
      .exec()
    let nearest: { submissionId: string; distance: number } | null = null
    for (const other of recent) {
      if (other._id === photo._id || other.submissionId === id || other.sha256 === photo.sha256) continue
      const distance = hammingDistance(photo.dhash, other.dhash)
      if (distance <= SIMILAR_PHOTO_MAX_DISTANCE && (!nearest || distance < nearest.distance))
        nearest = { submissionId: other.submissionId!, distance }
    }
    if (nearest)
      flags.push({ kind: 'similar_photo', otherSubmissionId: nearest.submissionId, distance: nearest.distance })
    return flags
  }

  /** The first free slot of `base#1..#max`, or the one this submission already holds; null when all are taken. */
  async daySlot(base: string, max: number, owner: ClaimOwner, now: Date): Promise<string | null> {
    for (let n = 1; n <= max; n++) {
      if (await this.claim(`${base}#${n}`, owner, now)) return `${base}#${n}`
    }
    return null
  }

  /** Inserts a claim row; true when this submission holds it (won now, or won by an earlier try of the same). */
  async claim(key: string, owner: ClaimOwner, now: Date): Promise<boolean> {
    if (await insertOnce(this.m.Claim, { _id: key, ...owner, at: now } as never)) return true
    const holder = await findById<ReceiptClaimDoc>(this.m.Claim, key)
    return holder?.submissionId === owner.submissionId && holder.photoId === owner.photoId
  }
}
