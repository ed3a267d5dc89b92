import { randomUUID } from 'node:crypto'
import { trusted, type Model } from 'mongoose'
import { existsById, findById, type AnyModel } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { slotsInUse } from '../../db/slots-in-use'
import { DomainError } from '../../errors/domain-error'
import { KeyedMutex } from '../../lib/keyed-mutex'
import { MAX_SLOT, couponId, type CouponModels, type CouponSlotHoleDoc, type CouponStockHintDoc } from './coupon.model'

const SOLD_OUT_MEMO_MS = 1_000

/**
 * Where a stock of unique slots lives: coupon templates' coupons, the points mall's gift slots. Each
 * row of `Slot` IS a slot, `_id` = `slotId(owner, slot)`, with its owner in `ownerField` and its
 * number in `slot`; holes and the stock hint have the coupon shapes (`templateId` names the owner).
 */
export interface SlotStore {
  Slot: AnyModel
  ownerField: string
  SlotHole: Model<CouponSlotHoleDoc>
  StockHint: Model<CouponStockHintDoc>
  slotId: (owner: string, slot: number) => string
}

/** A stock whose slots are handed out: a coupon template, a gift. `stock: null` is unlimited. */
export interface SlotOwner {
  _id: string
  stock: number | null
}

export const couponSlots = (m: CouponModels): SlotStore => ({
  Slot: m.Coupon,
  ownerField: 'templateId',
  SlotHole: m.SlotHole,
  StockHint: m.StockHint,
  slotId: couponId,
})

interface Cursor {
  next: number
  /** free slots found below the cursor (handed back, or found by the end-of-stock scan) */
  holes: number[]
  soldOutUntil: number
}

/**
 * Hands out candidate slot numbers so concurrent claims in this process never race for the same
 * slot: a per-template cursor (seeded from the stored hint) and, past the stock, one scan for
 * holes left by compensated or refused claims. Only a hint for picking: the unique `_id` insert
 * still decides, so several processes with overlapping cursors stay correct (they just retry).
 */
export class SlotAllocator {
  private readonly cursors = new Map<string, Cursor>()
  private readonly scans = new KeyedMutex()

  constructor(private readonly m: SlotStore) {}

  async next(t: SlotOwner): Promise<number> {
    const cursor = await this.cursor(t)
    if (cursor.soldOutUntil > Date.now()) throw new DomainError('COUPON.SOLD_OUT', 'sold out')
    const hole = cursor.holes.shift()
    if (hole !== undefined) return hole
    if (t.stock === null || cursor.next <= t.stock) {
      if (cursor.next > MAX_SLOT) throw new DomainError('COUPON.SOLD_OUT', 'no more slots')
      return cursor.next++
    }
    // Past the stock: one scan at a time per template looks for free slots below it.
    return this.scans.run(t._id, async () => {
      if (cursor.holes.length === 0 && cursor.soldOutUntil <= Date.now()) {
        const taken = await this.m.Slot.find({ [this.m.ownerField]: t._id }, { slot: 1 })
          .lean<{ slot: number }[]>()
          .exec()
        const used = new Set(taken.map((c) => c.slot))
        for (let s = 1; s <= t.stock!; s++) if (!used.has(s)) cursor.holes.push(s)
        if (cursor.holes.length === 0) cursor.soldOutUntil = Date.now() + SOLD_OUT_MEMO_MS
      }
      const slot = cursor.holes.shift()
      if (slot === undefined) throw new DomainError('COUPON.SOLD_OUT', 'sold out')
      return slot
    })
  }

  /** Whether this process found the stock sold out within the last second (an answer without a write). */
  knownSoldOut(ownerId: string): boolean {
    return (this.cursors.get(ownerId)?.soldOutUntil ?? 0) > Date.now()
  }

  /**
   * A slot that turned out free (the claim failed on the member's limit, or moves on to its next
   * ordinal) goes back for reuse, and is recorded as a hole for the "N left" count until it is taken
   * again. Every give-back is a hole of its own (`<slot>@<holder>~<random>`): one attempt may give a
   * slot back and then take it, and its own release must still find `<slot>@<holder>` unused.
   */
  async giveBack(ownerId: string, slot: number, holderId: string, now: Date): Promise<void> {
    this.reuse(ownerId, slot)
    await this.insertHole(`${this.m.slotId(ownerId, slot)}@${holderId}~${randomUUID()}`, ownerId, slot, now)
  }

  /**
   * A slot this process freed (a refusal, a released payment) is handed out next, and a "sold out" this
   * process remembered no longer holds: the coupon centre counts the slot as left at once, so a claim
   * must find it too.
   */
  reuse(templateId: string, slot: number): void {
    const cursor = this.cursors.get(templateId)
    if (!cursor) return
    cursor.holes.push(slot)
    cursor.soldOutUntil = 0
  }

  /**
   * Records that the holder of `slot` (a claim, a redemption) let it go; false if it was recorded before.
   * The key is the holder's alone, so of two releases of one holding only the first goes on to delete.
   */
  recordHole(ownerId: string, slot: number, holderId: string, now: Date): Promise<boolean> {
    return this.insertHole(`${this.m.slotId(ownerId, slot)}@${holderId}`, ownerId, slot, now)
  }

  private insertHole(_id: string, templateId: string, slot: number, now: Date): Promise<boolean> {
    return insertOnce(this.m.SlotHole, { _id, templateId, slot, at: now })
  }

  private async cursor(t: SlotOwner): Promise<Cursor> {
    let cursor = this.cursors.get(t._id)
    if (!cursor) {
      const hint = (await findById<CouponStockHintDoc>(this.m.StockHint, t._id))?.claimedHint ?? 0
      cursor = this.cursors.get(t._id) ?? { next: hint + 1, holes: [], soldOutUntil: 0 }
      this.cursors.set(t._id, cursor)
    }
    return cursor
  }
}

/**
 * Slots of a limited template taken now: the highest taken (from the stored hint, probing on past
 * slots taken or recorded as holes) less the recorded holes below it that are still free. Exact
 * whenever no claim is in flight; hole rows of slots taken again are removed on the way.
 */
export async function slotsTaken(store: SlotStore | CouponModels, templateId: string, stock: number): Promise<number> {
  const m = 'slotId' in store ? store : couponSlots(store)
  const [hint, holes] = await Promise.all([
    findById<CouponStockHintDoc>(m.StockHint, templateId).then((h) => h?.claimedHint ?? 0),
    m.SlotHole.find({ templateId }).lean<CouponSlotHoleDoc[]>().exec(),
  ])
  const candidates = new Set(holes.map((h) => h.slot))
  const isTaken = (slot: number) => existsById(m.Slot, m.slotId(templateId, slot))
  const top = await slotsInUse(hint, stock, async (slot) => candidates.has(slot) || (await isTaken(slot)))
  let free = 0
  for (const slot of candidates) {
    if (slot > top) continue
    if (!(await isTaken(slot))) free++
    else
      await m.SlotHole.deleteMany({
        _id: trusted({ $in: holes.filter((h) => h.slot === slot).map((h) => h._id) }),
      }).exec()
  }
  return top - free
}
