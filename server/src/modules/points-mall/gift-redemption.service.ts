import { randomInt } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import {
  giftBlocker,
  pickupExpiresAt,
  type AddressInput,
  type GiftBlocker,
  type GiftRedemption,
  type RedeemGiftRequest,
} from '@mall/shared'
import { existsById, findById, updateById } from '../../db/by-id'
import { insertOnce, isDuplicateKey } from '../../db/connect'
import { deleteIf, updateIf } from '../../db/guarded-write'
import { insertRow } from '../../db/insert-batch'
import { DomainError } from '../../errors/domain-error'
import { RecentMap } from '../../lib/recent-map'
import { SlotAllocator } from '../coupons/slot-allocator'
import { STALE_PAYMENT_MS } from '../coupons/claim.service'
import type { LedgerService } from '../ledger/ledger.service'
import { payForItem, settleStaleItem, type PaidItem } from '../ledger/paid-item'
import { refuseIfFrozen, type MemberService } from '../members/member.service'
import type { AddressBook } from './address-book'
import type { GiftCatalogueService } from './gift-catalogue.service'
import { GiftGrantOutcomes } from './gift-grant-outcome'
import { toRedemptionView } from './redemption-view'
import {
  giftSlotId,
  pointsMallModels,
  type GiftDoc,
  type GiftGrantDoc,
  type GiftRedemptionDoc,
  type GiftSlotDoc,
  type PointsMallModels,
} from './points-mall.model'

const BLOCKER_ERRORS: Record<GiftBlocker, DomainError> = {
  PAUSED: new DomainError('GIFT.PAUSED', 'gift paused'),
  NOT_STARTED: new DomainError('GIFT.NOT_STARTED', 'redemption window not open yet'),
  ENDED: new DomainError('GIFT.ENDED', 'redemption window closed'),
  TIER_TOO_LOW: new DomainError('GIFT.TIER_TOO_LOW', 'tier not eligible'),
}
const UNLIMITED_HINT_EVERY = 16
const ORDINAL_CACHE_SIZE = 50_000

/** 13 digits, never starting with 0: the redemption number and the pickup code's subject. */
const newRedemptionId = () => String(randomInt(1_000_000_000_000, 10_000_000_000_000))

/**
 * Test hook: runs after a grant's redemption is written, before its slot is taken, so a test can pause the
 * grant there and let the sweeper find it pending (forced interleavings).
 */
export const giftGrantHooks: { afterOpen?: (redemptionId: string) => Promise<void> } = {}

/** Gifts that can be handed out by another module (a lottery prize): collected at the desk. */
export const isGrantable = (g: Pick<GiftDoc, 'fulfilment'>) => g.fulfilment.includes('pickup')

/**
 * Redeeming a gift with points, the coupon way: the redemption is written pending, a unique slot of
 * the gift's stock is inserted (stock and the per-member limit in one insert, slot-allocator.ts),
 * then the price is paid through the paid-item saga (ledger/paid-item.ts) and the redemption made
 * active. A refused payment or a crash releases the slot, so nobody pays without the gift nor gets
 * it without paying, and a flash window never sells more than its stock.
 */
export class GiftRedemptionService {
  private readonly m: PointsMallModels
  private readonly slots: SlotAllocator
  /** Per `<gift>:<member>`, the ordinal after the last one this process took (see CouponClaimService). */
  private readonly nextOrdinal = new RecentMap<string, number>(ORDINAL_CACHE_SIZE)
  private readonly grantOutcomes: GiftGrantOutcomes

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly catalogue: GiftCatalogueService,
    private readonly addresses: AddressBook,
  ) {
    this.m = pointsMallModels(conn)
    this.slots = new SlotAllocator(this.m.slots)
    this.grantOutcomes = new GiftGrantOutcomes(this.m, (redemptionId) => this.releaseSlot(redemptionId))
  }

  async redeem(memberId: string, giftId: string, req: RedeemGiftRequest, now: Date): Promise<GiftRedemption> {
    const [g, member] = await Promise.all([this.catalogue.gift(giftId), this.members.getForDisplay(memberId)])
    refuseIfFrozen(member) // a frozen member spends no points
    const blocker = giftBlocker(g, member.tierLevel, now)
    if (blocker) throw BLOCKER_ERRORS[blocker]
    if (!g.fulfilment.includes(req.fulfilment))
      throw new DomainError('GIFT.FULFILMENT_UNAVAILABLE', `gift not offered by ${req.fulfilment}`)
    let address: AddressInput | null = null
    if (req.fulfilment === 'delivery') {
      if (!req.addressId) throw new DomainError('GIFT.ADDRESS_REQUIRED', 'delivery needs an address')
      address = await this.addresses.get(memberId, req.addressId)
    }
    if ((await this.ledger.head(memberId, member.walletHint ?? null)).state.balance < g.pricePoints)
      throw new DomainError('POINTS.INSUFFICIENT', 'not enough points') // early answer; the debit enforces it
    // Sold out a moment ago: say so without writing a redemption that could only fail.
    if (this.slots.knownSoldOut(g._id)) throw new DomainError('GIFT.SOLD_OUT', 'sold out')
    const r = await this.open(g, memberId, req.fulfilment, address, null, now)
    await this.takeSlotOrAbandon(g, r, now)
    const item = this.paidItem(r)
    await payForItem(this.ledger, item, now)
    const paid = await this.ledger.findByEventKey(item.paymentKey)
    return { ...toRedemptionView({ ...r, state: 'active' }, null), balanceAfter: paid?.state.balance ?? 0 }
  }

  /**
   * A gift handed out free by another module (a lottery prize), once per `grantKey`: a repeat with
   * the same key (a retry, a crash) answers the first grant. Stock and the per-member limit still
   * hold; 'sold_out' when none is left, so the caller can fall back to its consolation prize.
   */
  async grant(memberId: string, giftId: string, grantKey: string, now: Date): Promise<GiftRedemption | 'sold_out'> {
    const g = await this.catalogue.gift(giftId)
    if (!isGrantable(g)) throw new DomainError('GIFT.FULFILMENT_UNAVAILABLE', 'only pickup gifts are granted')
    const fresh = newRedemptionId()
    const grant: GiftGrantDoc = { _id: grantKey, redemptionId: fresh, at: now }
    const redemptionId = (await insertOnce(this.m.Grant, grant as never))
      ? fresh
      : ((await findById<GiftGrantDoc>(this.m.Grant, grantKey))?.redemptionId ?? fresh)
    let r = await findById<GiftRedemptionDoc>(this.m.Redemption, redemptionId)
    if (r?.state === 'failed') return 'sold_out'
    if (r?.state === 'active') return toRedemptionView(r, null)
    r ??= await this.open({ ...g, pricePoints: 0 }, memberId, 'pickup', null, grantKey, now, redemptionId)
    await giftGrantHooks.afterOpen?.(r._id)
    const refused = await this.takeSlot(g, r, now).then(
      () => false,
      (err: unknown) => {
        if (err instanceof DomainError && (err.code === 'GIFT.SOLD_OUT' || err.code === 'GIFT.LIMIT_REACHED'))
          return true
        throw err
      },
    )
    // The outcome is an insert: a second writer of this grant or the sweeper may have decided it first.
    const outcome = await this.grantOutcomes.decide(r, refused ? 'failed' : 'held', now)
    return outcome === 'held' ? toRedemptionView({ ...r, state: 'active' }, null) : 'sold_out'
  }

  /** Gives a redemption's slot back to the stock (cancelled, lapsed, or never paid). */
  async releaseSlot(redemptionId: string): Promise<void> {
    const slot = await this.m.Slot.findOne({ redemptionId }).lean<GiftSlotDoc>().exec()
    if (!slot) return
    // The hole's insert gates the release: of two releases of one redemption only one deletes, so a
    // late one can never remove a slot another member took since.
    if (await this.slots.recordHole(slot.giftId, slot.slot, redemptionId, new Date())) {
      await deleteIf(this.m.Slot, slot._id, { redemptionId })
      this.slots.reuse(slot.giftId, slot.slot)
    }
  }

  /** Finishes or compensates redemptions a crash left unpaid (see paid-item.ts). */
  async sweep(now: Date): Promise<{ activated: number; released: number }> {
    const stuck = await this.m.Redemption.find({
      state: 'pending_payment',
      redeemedAt: trusted({ $lt: new Date(now.getTime() - STALE_PAYMENT_MS) }),
    })
      .lean<GiftRedemptionDoc[]>()
      .exec()
    const counts = { activated: 0, released: 0 }
    for (const r of stuck) {
      // A grant is free: nothing to pay, only its outcome to decide (or follow).
      if (r.grantKey) {
        counts[(await this.grantOutcomes.settleStale(r, now)) === 'held' ? 'activated' : 'released']++
        continue
      }
      const outcome = await settleStaleItem(this.ledger, this.paidItem(r), now)
      if (outcome !== 'unsettled') counts[outcome]++
    }
    return counts
  }

  private async open(
    g: GiftDoc,
    memberId: string,
    fulfilment: 'pickup' | 'delivery',
    address: AddressInput | null,
    grantKey: string | null,
    now: Date,
    id?: string,
  ): Promise<GiftRedemptionDoc> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const doc: GiftRedemptionDoc = {
        _id: id ?? newRedemptionId(),
        giftId: g._id,
        memberId,
        giftName: g.name,
        thumbImageId: g.imageIds[0] ?? null,
        pricePoints: g.pricePoints,
        fulfilment,
        address,
        state: 'pending_payment',
        slotId: null,
        status: fulfilment === 'pickup' ? 'pending_pickup' : 'pending_shipment',
        redeemedAt: now,
        expiresAt: fulfilment === 'pickup' ? pickupExpiresAt(now, g.pickupDays) : null,
        refundOnExpiry: g.refundOnExpiry,
        grantKey,
      }
      if (await insertOnce(this.m.Redemption, doc as never)) return doc
      if (id) return (await findById<GiftRedemptionDoc>(this.m.Redemption, id)) ?? doc
    }
    throw new DomainError('INTERNAL', 'could not allocate a redemption number')
  }

  /** A refused slot (sold out, limit) leaves the pending redemption failed: nothing was paid. */
  private async takeSlotOrAbandon(g: GiftDoc, r: GiftRedemptionDoc, now: Date): Promise<void> {
    try {
      await this.takeSlot(g, r, now)
    } catch (err) {
      if (err instanceof DomainError)
        await updateIf(this.m.Redemption, r._id, { state: 'pending_payment' }, { $set: { state: 'failed' } })
      throw err
    }
  }

  private async takeSlot(g: GiftDoc, r: GiftRedemptionDoc, now: Date): Promise<void> {
    // Any free ordinal in 1..perMemberLimit will do: from where this process left off, round to 1.
    const ordinalKey = `${g._id}:${r.memberId}`
    const limit = g.perMemberLimit
    let ordinal = Math.min(this.nextOrdinal.get(ordinalKey) ?? 1, limit)
    let taken = 0
    for (;;) {
      const slot = await this.slots.next(g).catch(async (err: unknown) => {
        if (!(err instanceof DomainError && err.code === 'COUPON.SOLD_OUT')) throw err
        // The last slot may be this redemption's own, taken by a second writer of it (one grant's key):
        // its slot row, unique per redemption, is the answer.
        if (await this.m.Slot.exists({ redemptionId: r._id }).exec()) return null
        throw new DomainError('GIFT.SOLD_OUT', 'sold out')
      })
      if (slot === null) return
      const doc: GiftSlotDoc = {
        _id: giftSlotId(g._id, slot),
        giftId: g._id,
        slot,
        memberId: r.memberId,
        ordinal,
        redemptionId: r._id,
        at: now,
      }
      try {
        await insertRow(this.m.Slot, doc as never)
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        // This redemption holds a slot already (a second writer of one grant): the candidate stays free.
        const held = await this.m.Slot.findOne({ redemptionId: r._id }, { _id: 1 }).lean<{ _id: string }>().exec()
        if (held) {
          if (held._id !== doc._id) this.slots.reuse(g._id, slot)
          return
        }
        // A taken slot: move on. A free one means the member holds this ordinal: hand the slot back.
        if (await existsById(this.m.Slot, doc._id)) continue
        await this.slots.giveBack(g._id, slot, r._id, now)
        if (++taken >= limit) throw new DomainError('GIFT.LIMIT_REACHED', 'per-member limit reached')
        ordinal = (ordinal % limit) + 1
        continue
      }
      this.nextOrdinal.set(ordinalKey, (ordinal % limit) + 1)
      if (g.stock !== null || slot % UNLIMITED_HINT_EVERY === 0) {
        void updateById(this.m.slots.StockHint, g._id, { $max: { claimedHint: slot } }, { upsert: true }).catch(
          () => undefined,
        )
      }
      await updateById(this.m.Redemption, r._id, { $set: { slotId: doc._id } })
      return
    }
  }

  /** The redemption as a paid item: its payment key is unique to this redemption. */
  private paidItem(r: GiftRedemptionDoc): PaidItem {
    return {
      memberId: r.memberId,
      paymentKey: `gift:${r._id}`,
      points: r.pricePoints,
      type: 'gift',
      meta: { redemptionId: r._id, giftId: r.giftId, reason: `兑换${r.giftName}` },
      activate: async () => {
        await updateIf(this.m.Redemption, r._id, { state: 'pending_payment' }, { $set: { state: 'active' } })
      },
      release: async () => {
        await this.releaseSlot(r._id)
        await updateIf(this.m.Redemption, r._id, { state: 'pending_payment' }, { $set: { state: 'failed' } })
      },
    }
  }
}
