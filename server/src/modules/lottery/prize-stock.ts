import { existsById, findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { slotsInUse } from '../../db/slots-in-use'
import { prizeSlotId, type LotteryModels, type LotteryPrizeSlotDoc, type LotteryStockHintDoc } from './lottery.model'

/**
 * A prize's stock as numbered slots, the coupon stock's mechanism (coupons/slot-allocator.ts): a won
 * prize IS the insert of slot `<lotteryId>:<prizeId>#<n>` with n ≤ the stock, and a per-prize cursor
 * (seeded from a `$max` hint through db/slots-in-use.ts) only saves collisions; the unique insert
 * decides. Unlike coupons no slot is ever given back (a slot is taken only after the draw is paid),
 * so there are no holes to scan for: past the stock the prize is sold out.
 */
export class PrizeStock {
  private readonly cursors = new Map<string, number>()

  constructor(private readonly m: LotteryModels) {}

  /**
   * The draw's slot of the prize, or null when sold out. A repeat of a draw (the sweeper after a crash)
   * collides on the unique `drawId` and gets the slot it took before, also when that was the last one.
   */
  async take(
    lotteryId: string,
    prize: { id: string; stock: number },
    drawId: string,
    now: Date,
  ): Promise<number | null> {
    const key = `${lotteryId}:${prize.id}`
    let slot = this.cursors.get(key) ?? (await this.won(lotteryId, prize.id, prize.stock)) + 1
    for (; slot <= prize.stock; slot++) {
      const row: LotteryPrizeSlotDoc = {
        _id: prizeSlotId(lotteryId, prize.id, slot),
        lotteryId,
        prizeId: prize.id,
        slot,
        drawId,
        at: now,
      }
      if (await insertOnce(this.m.PrizeSlot, row as never)) {
        this.cursors.set(key, slot + 1)
        void updateById(this.m.StockHint, key, { $max: { taken: slot } }, { upsert: true }).catch(() => undefined)
        return slot
      }
      if (await existsById(this.m.PrizeSlot, row._id)) continue
      break // not the slot: the draw's unique key, so this draw took a slot before
    }
    if (slot > prize.stock) this.cursors.set(key, slot)
    const mine = await this.m.PrizeSlot.findOne({ drawId }).lean<LotteryPrizeSlotDoc>().exec()
    return mine && mine.prizeId === prize.id ? mine.slot : null
  }

  /** How many of the prize were won (exact: slots are never freed). */
  async won(lotteryId: string, prizeId: string, stock: number): Promise<number> {
    const hint = (await findById<LotteryStockHintDoc>(this.m.StockHint, `${lotteryId}:${prizeId}`))?.taken ?? 0
    return slotsInUse(hint, stock, (slot) => existsById(this.m.PrizeSlot, prizeSlotId(lotteryId, prizeId, slot)))
  }
}
