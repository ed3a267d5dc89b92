import { randomUUID } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import { claimBlocker, validityWindow, type ClaimBlocker, type MemberCoupon } from '@mall/shared'
import { existsById, updateById } from '../../db/by-id'
import { isDuplicateKey } from '../../db/connect'
import { deleteIf, updateIf } from '../../db/guarded-write'
import { insertRow } from '../../db/insert-batch'
import { RecentMap } from '../../lib/recent-map'
import { payForItem, settleStaleItem, type PaidItem } from '../ledger/paid-item'
import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import { refuseIfFrozen, type MemberService } from '../members/member.service'
import { ClaimRuns } from './claim-run'
import { toMemberCoupon } from './coupon-catalog.service'
import { SlotAllocator, couponSlots } from './slot-allocator'
import type { CouponBook } from './coupon-book'
import type { TemplateCache } from './template-cache'
import { couponId, couponModels, type CouponDoc, type CouponModels, type CouponTemplateDoc } from './coupon.model'

const BLOCKER_ERRORS: Record<ClaimBlocker, DomainError> = {
  PAUSED: new DomainError('COUPON.PAUSED', 'template paused'),
  NOT_STARTED: new DomainError('COUPON.NOT_STARTED', 'claim window not open yet'),
  ENDED: new DomainError('COUPON.ENDED', 'claim window closed'),
  TIER_TOO_LOW: new DomainError('COUPON.TIER_TOO_LOW', 'tier not eligible'),
}

// Payment older than this without an outcome is finished or compensated by the sweeper.
export const STALE_PAYMENT_MS = 30_000
const UNLIMITED_HINT_EVERY = 16
/** Keyed benefit grants use ordinals from here up; claims use 1..perMemberLimit (≤ 100). */
export const KEYED_ORDINAL_BASE = 1_000_000
// Members and templates whose next free ordinal this process knows; sized like the other per-member caches.
const ORDINAL_CACHE_SIZE = 50_000

/**
 * Test seam: pauses a claim before its slot insert or after it (before its run's decision and first effect),
 * to force its race with a retry that took the request over (forced interleavings).
 */
export const claimHooks: {
  beforeSlot?: (claimId: string) => Promise<void>
  afterSlot?: (claimId: string) => Promise<void>
} = {}

/** A claim's coupon with the template it was claimed from (the member's answer shows both). */
type Claimed = { coupon: CouponDoc; template: CouponTemplateDoc }

interface SlotOptions {
  /** a benefit grant's fixed per-member ordinal */
  fixedOrdinal?: number
  /** the member row's coupon book hint when the caller read the row anyway (a cached row will do) */
  bookHint?: number | null
  claimId?: string
  /** held back (pending) although free: a claim run not yet decided */
  pending?: boolean
}

/**
 * Claiming a coupon: a unique slot insert enforces stock and the per-member limit together; a
 * points price is paid as a saga (slot reserved → ledger debit keyed to this claim → active).
 */
export class CouponClaimService {
  private readonly m: CouponModels
  private readonly slots: SlotAllocator
  private readonly runs: ClaimRuns
  /**
   * Per `<template>:<member>`, the ordinal after the last one this process took: a member's next claim
   * of a template starts there instead of colliding with every coupon of it the member holds (each
   * collision costs an insert and a read, so the n-th claim would cost 2n calls).
   */
  private readonly nextOrdinal = new RecentMap<string, number>(ORDINAL_CACHE_SIZE)

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly book: CouponBook,
    private readonly templates: TemplateCache,
  ) {
    this.m = couponModels(conn)
    this.slots = new SlotAllocator(couponSlots(this.m))
    this.runs = new ClaimRuns(this.m)
  }

  async template(templateId: string): Promise<CouponTemplateDoc> {
    const t = await this.templates.get(templateId)
    if (!t) throw new DomainError('COUPON.NOT_FOUND', 'coupon template not found')
    return t
  }

  /** The member's claim, answered as the coupon centre shows it, from the template the claim has in hand. */
  async claimForMember(memberId: string, templateId: string, now: Date, operationKey?: string): Promise<MemberCoupon> {
    const { coupon, template } = await this.claimed(memberId, templateId, now, operationKey)
    return toMemberCoupon(coupon, template, now)
  }

  async claim(memberId: string, templateId: string, now: Date, operationKey?: string): Promise<CouponDoc> {
    return (await this.claimed(memberId, templateId, now, operationKey)).coupon
  }

  /**
   * `operationKey`: the request's stable key under an `Idempotency-Key` (http/idempotency.ts). A retry
   * that takes over a run which died after its claim took effect finishes and answers that claim; of a
   * slow run and its retry only one takes effect (claim-run.ts).
   */
  private async claimed(memberId: string, templateId: string, now: Date, operationKey?: string): Promise<Claimed> {
    // The cached member row: a tier change reaches it within seconds (and at once in this process).
    const [t, member] = await Promise.all([this.template(templateId), this.members.getForDisplay(memberId)])
    refuseIfFrozen(member)
    const blocker = claimBlocker(t, member.tierLevel, now)
    if (blocker) throw BLOCKER_ERRORS[blocker]
    const run = operationKey ? await this.runs.start(memberId, t._id, operationKey, now) : { claimId: randomUUID() }
    if ('earlier' in run) return { coupon: await this.handOver(run.earlier, t, now), template: t }
    const wallet = t.pricePoints > 0 ? await this.ledger.head(memberId, member.walletHint ?? null) : null
    if (wallet && wallet.state.balance < t.pricePoints) {
      // Nothing was written under this run's claimId yet: its request goes, so the refusal changes nothing.
      if (operationKey) await this.runs.forget(run.claimId)
      throw new DomainError('POINTS.INSUFFICIENT', 'not enough points') // early answer; the debit enforces it
    }
    await claimHooks.beforeSlot?.(run.claimId)
    // Under a key the coupon is held back (pending) until this run is decided to take effect.
    const slot = { bookHint: member.bookHint ?? null, claimId: run.claimId, pending: operationKey !== undefined }
    const coupon = await this.takeSlot(t, memberId, now, slot)
    await claimHooks.afterSlot?.(run.claimId)
    if (operationKey && !(await this.runs.decide(memberId, run.claimId, true, now))) {
      // A retry took the request over and gave this run up: nothing of it may take effect.
      await this.paidItem(coupon, t).release()
      throw new DomainError('IDEMPOTENCY.IN_FLIGHT', 'a retry with this Idempotency-Key took the request over')
    }
    return { coupon: await this.handOver(coupon, t, now), template: t }
  }

  /** The coupon becomes the member's: its price paid by the saga (paid-item.ts), or a free one held back activated. */
  private async handOver(coupon: CouponDoc, t: CouponTemplateDoc, now: Date): Promise<CouponDoc> {
    if (coupon.state !== 'pending_payment') return coupon
    const item = this.paidItem(coupon, t)
    if (t.pricePoints > 0) await payForItem(this.ledger, item, now)
    else await item.activate()
    return { ...coupon, state: 'active' }
  }

  /**
   * A coupon the mall hands out (campaign drops): free and regardless of the template's claim window,
   * pause or tiers (the operator chose the members); stock and the per-member limit still hold.
   */
  async grant(memberId: string, templateId: string, now: Date): Promise<CouponDoc> {
    const t = await this.template(templateId)
    return this.takeSlot({ ...t, pricePoints: 0 }, memberId, now, {})
  }

  /**
   * A benefit coupon under a fixed per-member ordinal (tier monthly coupons): the ordinal is the
   * grant's key, so a repeat after a crash collides with the first coupon instead of adding one.
   * Ordinals at or above `KEYED_ORDINAL_BASE` never meet those of claims (at most 100 per member).
   */
  async grantKeyed(
    memberId: string,
    templateId: string,
    ordinal: number,
    now: Date,
  ): Promise<CouponDoc | 'already_granted'> {
    const t = await this.template(templateId)
    try {
      return await this.takeSlot({ ...t, pricePoints: 0 }, memberId, now, { fixedOrdinal: ordinal })
    } catch (err) {
      if (err instanceof DomainError && err.code === 'COUPON.ALREADY_GRANTED') return 'already_granted'
      throw err
    }
  }

  private async takeSlot(t: CouponTemplateDoc, memberId: string, now: Date, how: SlotOptions): Promise<CouponDoc> {
    const { fixedOrdinal, bookHint, claimId = randomUUID() } = how
    const state = t.pricePoints > 0 || how.pending ? 'pending_payment' : 'active'
    const pointer: { id?: string; couponId?: string } = {}
    try {
      return await this.insertSlot(t, memberId, claimId, now, { fixedOrdinal, state }, async (candidate) => {
        // Opened once a slot is in sight (a sold-out answer leaves nothing in the member's book) and
        // always naming the slot about to be inserted, so no write is needed after the insert.
        if (!pointer.id) pointer.id = await this.book.open(memberId, t._id, claimId, now, candidate, bookHint)
        else if (pointer.couponId !== candidate) await this.book.settle(pointer.id, candidate)
        pointer.couponId = candidate
      })
    } catch (err) {
      if (pointer.id && err instanceof DomainError) await this.book.fail(pointer.id)
      throw err
    }
  }

  private async insertSlot(
    t: CouponTemplateDoc,
    memberId: string,
    claimId: string,
    now: Date,
    { fixedOrdinal, state }: { fixedOrdinal: number | undefined; state: CouponDoc['state'] },
    beforeInsert: (couponId: string) => Promise<void>,
  ): Promise<CouponDoc> {
    // Any free ordinal in 1..perMemberLimit will do: from where this process left off, round to 1 (a
    // coupon given back frees a lower one), and refused only once every one of them was taken.
    const ordinalKey = `${t._id}:${memberId}`
    const limit = t.perMemberLimit
    let ordinal = fixedOrdinal ?? Math.min(this.nextOrdinal.get(ordinalKey) ?? 1, limit)
    let taken = 0
    const { validFrom, validTo } = validityWindow(t, now)
    for (;;) {
      const slot = await this.slots.next(t)
      await beforeInsert(couponId(t._id, slot))
      const doc: CouponDoc = {
        _id: couponId(t._id, slot),
        templateId: t._id,
        slot,
        memberId,
        ordinal,
        claimId,
        state,
        validFrom,
        validTo,
        claimedAt: now,
        redeemedAt: null,
        redeemedBy: null,
        redeemedStoreId: null,
      }
      try {
        await insertRow(this.m.Coupon, doc as never)
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        // Which key collided? A taken slot (another process, or a freed slot re-taken): move on.
        // A free slot means this member already holds that ordinal: hand the slot back and try
        // the next ordinal until the per-member limit.
        if (await existsById(this.m.Coupon, doc._id)) continue
        await this.slots.giveBack(t._id, slot, claimId, now)
        if (fixedOrdinal !== undefined)
          throw new DomainError('COUPON.ALREADY_GRANTED', 'this benefit coupon was granted before')
        if (++taken >= limit) throw new DomainError('COUPON.LIMIT_REACHED', 'per-member limit reached')
        ordinal = (ordinal % limit) + 1
        continue
      }
      if (fixedOrdinal === undefined) this.nextOrdinal.set(ordinalKey, (ordinal % limit) + 1)
      // The hint shows "N left" for limited stock (kept exact); for unlimited stock it only seeds a new
      // process's slot cursor, which walks past the few slots a sparse hint misses.
      if (t.stock !== null || slot % UNLIMITED_HINT_EVERY === 0) {
        void updateById(this.m.StockHint, t._id, { $max: { claimedHint: slot } }, { upsert: true }).catch(
          () => undefined,
        )
      }
      return doc
    }
  }

  /** The coupon as a paid item: its payment key is unique to this claim attempt. */
  private paidItem(c: CouponDoc, t: Pick<CouponTemplateDoc, '_id' | 'name' | 'pricePoints'>): PaidItem {
    return {
      memberId: c.memberId,
      paymentKey: `coupon:${c._id}:${c.claimId}`,
      points: t.pricePoints,
      type: 'coupon',
      meta: { couponId: c._id, templateId: t._id, reason: `兑换${t.name}` },
      activate: async () => {
        await updateIf(
          this.m.Coupon,
          c._id,
          { claimId: c.claimId, state: 'pending_payment' },
          { $set: { state: 'active' } },
        )
      },
      // The hole's insert gates the release: of two releases of this claim (the request and the sweeper)
      // only one deletes, so a late one can never remove a coupon someone claimed in the freed slot since.
      release: async () => {
        if (await this.slots.recordHole(t._id, c.slot, c.claimId, new Date())) {
          await deleteIf(this.m.Coupon, c._id, { claimId: c.claimId, state: 'pending_payment' })
          this.slots.reuse(t._id, c.slot)
        }
      },
    }
  }

  /** Finishes or compensates claims a crash (or a slow run) left in pending_payment (see paid-item.ts). */
  async sweep(now: Date, graceMs = STALE_PAYMENT_MS): Promise<{ activated: number; released: number }> {
    const stuck = await this.m.Coupon.find({
      state: 'pending_payment',
      claimedAt: trusted({ $lt: new Date(now.getTime() - graceMs) }),
    })
      .lean<CouponDoc[]>()
      .exec()
    const counts = { activated: 0, released: 0 }
    for (const coupon of stuck) {
      const t = await this.template(coupon.templateId)
      const item = this.paidItem(coupon, t)
      const outcome =
        t.pricePoints > 0
          ? await settleStaleItem(this.ledger, item, now)
          : await this.runs.settleHeldBack(coupon, item, now)
      if (outcome === 'activated') await this.book.ensure(coupon, now)
      if (outcome !== 'unsettled') counts[outcome]++
    }
    return counts
  }
}
