import { randomInt, randomUUID } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import { claimBlocker, validityWindow, type ClaimBlocker } from '@mall/shared'
import { isDuplicateKey } from '../../db/connect'
import { DomainError } from '../../http/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import { couponId, couponModels, MAX_SLOT, type CouponDoc, type CouponModels, type CouponTemplateDoc } from './coupon.model'

const BLOCKER_ERRORS: Record<ClaimBlocker, DomainError> = {
  PAUSED: new DomainError('COUPON.PAUSED', 'template paused'),
  NOT_STARTED: new DomainError('COUPON.NOT_STARTED', 'claim window not open yet'),
  ENDED: new DomainError('COUPON.ENDED', 'claim window closed'),
  TIER_TOO_LOW: new DomainError('COUPON.TIER_TOO_LOW', 'tier not eligible'),
}

// Claimers start at a random slot just past the hint so thousands of concurrent claims do not all
// collide on the same slot; a sold-out template is remembered briefly so late requests stay cheap.
const SLOT_JITTER = 32
const SOLD_OUT_MEMO_MS = 1_000
// Payment older than this without an outcome is finished or compensated by the sweeper.
export const STALE_PAYMENT_MS = 30_000

/**
 * Claiming a coupon: a unique slot insert enforces stock and the per-member limit together; a
 * points price is paid as a saga (slot reserved → ledger debit keyed to this claim → active).
 */
export class CouponClaimService {
  private readonly m: CouponModels
  private readonly soldOutUntil = new Map<string, number>()

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
  ) {
    this.m = couponModels(conn)
  }

  async template(templateId: string): Promise<CouponTemplateDoc> {
    const t = await this.m.Template.findById(templateId).lean<CouponTemplateDoc>().exec()
    if (!t) throw new DomainError('COUPON.NOT_FOUND', 'coupon template not found')
    return t
  }

  async claim(memberId: string, templateId: string, now: Date): Promise<CouponDoc> {
    const t = await this.template(templateId)
    const member = await this.members.get(memberId)
    const blocker = claimBlocker(t, member.tierLevel, now)
    if (blocker) throw BLOCKER_ERRORS[blocker]
    if (t.pricePoints > 0 && (await this.ledger.head(memberId)).state.balance < t.pricePoints) {
      throw new DomainError('POINTS.INSUFFICIENT', 'not enough points') // early answer; the debit enforces it
    }
    const coupon = await this.takeSlot(t, memberId, now)
    return t.pricePoints > 0 ? this.pay(coupon, t, now) : coupon
  }

  private async takeSlot(t: CouponTemplateDoc, memberId: string, now: Date): Promise<CouponDoc> {
    if ((this.soldOutUntil.get(t._id) ?? 0) > Date.now()) throw new DomainError('COUPON.SOLD_OUT', 'sold out')
    const hint = (await this.m.StockHint.findById(t._id).lean().exec())?.claimedHint ?? 0
    const window = t.stock === null ? SLOT_JITTER : Math.max(1, Math.min(SLOT_JITTER, t.stock - hint))
    let slot = hint + 1 + randomInt(window)
    let ordinal = 1
    const { validFrom, validTo } = validityWindow(t, now)
    for (;;) {
      if (t.stock !== null && slot > t.stock) slot = await this.freeSlot(t)
      if (slot > MAX_SLOT) throw new DomainError('COUPON.SOLD_OUT', 'no more slots')
      const doc: CouponDoc = {
        _id: couponId(t._id, slot), templateId: t._id, slot, memberId, ordinal, claimId: randomUUID(),
        state: t.pricePoints > 0 ? 'pending_payment' : 'active', validFrom, validTo, claimedAt: now,
        redeemedAt: null, redeemedBy: null, redeemedStoreId: null,
      }
      try {
        await this.m.Coupon.collection.insertOne(doc as never)
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        // Which key collided? If the slot is taken, try the next one; if not, it was this
        // member's ordinal: move to the next ordinal until the per-member limit.
        if (await this.m.Coupon.exists({ _id: doc._id })) slot++
        else if (++ordinal > t.perMemberLimit) throw new DomainError('COUPON.LIMIT_REACHED', 'per-member limit reached')
        continue
      }
      await this.m.StockHint.updateOne({ _id: t._id }, { $max: { claimedHint: slot } }, { upsert: true }).exec().catch(() => undefined)
      return doc
    }
  }

  /** Slow path near sell-out: the lowest free slot at or below stock, or SOLD_OUT. */
  private async freeSlot(t: CouponTemplateDoc): Promise<number> {
    const stock = t.stock!
    const taken = await this.m.Coupon.find({ templateId: t._id }, { slot: 1 }).lean().exec()
    if (taken.length >= stock) {
      this.soldOutUntil.set(t._id, Date.now() + SOLD_OUT_MEMO_MS)
      throw new DomainError('COUPON.SOLD_OUT', 'sold out')
    }
    const used = new Set(taken.map((c) => c.slot))
    const free: number[] = []
    for (let s = 1; s <= stock && free.length < SLOT_JITTER; s++) if (!used.has(s)) free.push(s)
    return free[randomInt(free.length)]!
  }

  private paymentKey(c: CouponDoc): string {
    return `coupon:${c._id}:${c.claimId}`
  }

  /** Saga step 2 and 3: debit the price keyed to this claim, then activate. */
  private async pay(coupon: CouponDoc, t: CouponTemplateDoc, now: Date): Promise<CouponDoc> {
    try {
      await this.ledger.post({
        memberId: coupon.memberId,
        eventKey: this.paymentKey(coupon),
        type: 'coupon',
        now,
        plan: () => ({ op: { kind: 'debit', points: t.pricePoints }, meta: { couponId: coupon._id, templateId: t._id, reason: `兑换${t.name}` } }),
      })
    } catch (err) {
      if (err instanceof DomainError) await this.compensate(coupon, now)
      throw err
    }
    await this.m.Coupon.updateOne({ _id: coupon._id, claimId: coupon.claimId, state: 'pending_payment' }, { $set: { state: 'active' } }).exec()
    return { ...coupon, state: 'active' }
  }

  /** Fence the payment key so it can never post, then free the slot (also after a crash in between). */
  private async compensate(coupon: CouponDoc, now: Date): Promise<boolean> {
    const key = this.paymentKey(coupon)
    if (!(await this.ledger.fence(key, now)) && !(await this.ledger.isFenced(key))) return false
    await this.m.Coupon.deleteOne({ _id: coupon._id, claimId: coupon.claimId, state: 'pending_payment' }).exec()
    return true
  }

  /**
   * Finishes or compensates claims a crash left in pending_payment: paid → activate; never
   * started → fence and free the slot; started but stuck → finish the debit (idempotent by key).
   */
  async sweep(now: Date): Promise<{ activated: number; released: number }> {
    const stuck = await this.m.Coupon.find({ state: 'pending_payment', claimedAt: trusted({ $lt: new Date(now.getTime() - STALE_PAYMENT_MS) }) })
      .lean<CouponDoc[]>()
      .exec()
    let activated = 0
    let released = 0
    for (const coupon of stuck) {
      if (await this.ledger.findByEventKey(this.paymentKey(coupon))) {
        await this.m.Coupon.updateOne({ _id: coupon._id, claimId: coupon.claimId }, { $set: { state: 'active' } }).exec()
        activated++
      } else if (await this.compensate(coupon, now)) {
        released++
      } else {
        const t = await this.template(coupon.templateId)
        await this.pay(coupon, t, now).then(() => activated++, () => undefined)
      }
    }
    return { activated, released }
  }
}
