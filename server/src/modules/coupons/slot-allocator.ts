import { findById } from '../../db/by-id'
import { DomainError } from '../../http/domain-error'
import { KeyedMutex } from '../../lib/keyed-mutex'
import { MAX_SLOT, type CouponModels, type CouponStockHintDoc, type CouponTemplateDoc } from './coupon.model'

const SOLD_OUT_MEMO_MS = 1_000

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

  constructor(private readonly m: CouponModels) {}

  async next(t: CouponTemplateDoc): Promise<number> {
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
        const taken = await this.m.Coupon.find({ templateId: t._id }, { slot: 1 }).lean().exec()
        const used = new Set(taken.map((c) => c.slot))
        for (let s = 1; s <= t.stock!; s++) if (!used.has(s)) cursor.holes.push(s)
        if (cursor.holes.length === 0) cursor.soldOutUntil = Date.now() + SOLD_OUT_MEMO_MS
      }
      const slot = cursor.holes.shift()
      if (slot === undefined) throw new DomainError('COUPON.SOLD_OUT', 'sold out')
      return slot
    })
  }

  /** A slot that turned out free (the claim failed on the member's limit) goes back for reuse. */
  giveBack(templateId: string, slot: number): void {
    this.cursors.get(templateId)?.holes.push(slot)
  }

  private async cursor(t: CouponTemplateDoc): Promise<Cursor> {
    let cursor = this.cursors.get(t._id)
    if (!cursor) {
      const hint = (await findById<CouponStockHintDoc>(this.m.StockHint, t._id))?.claimedHint ?? 0
      cursor = this.cursors.get(t._id) ?? { next: hint + 1, holes: [], soldOutUntil: 0 }
      this.cursors.set(t._id, cursor)
    }
    return cursor
  }
}
