import { trusted } from 'mongoose'
import { existsById } from '../../db/by-id'
import { insertOnce, isDuplicateKey } from '../../db/connect'
import { deleteIf, updateIf } from '../../db/guarded-write'
import { insertRow } from '../../db/insert-batch'
import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import { payForItem, settleStaleItem, type PaidItem } from '../ledger/paid-item'
import type { CheckinModels, MakeupCardDoc } from './checkin.model'

/**
 * Make-up cards (补签卡): bought with points through the paid-item saga, and spent one per make-up
 * check-in by a use row whose number within the month enforces the monthly cap.
 */
export class MakeupCards {
  constructor(
    private readonly m: CheckinModels,
    private readonly ledger: LedgerService,
  ) {}

  activeCount(memberId: string): Promise<number> {
    return this.m.Card.countDocuments({ memberId, state: 'active' }).exec()
  }

  /**
   * One insert reserves both a use within the monthly cap and the card (unique cardId); the caller
   * releases it with `release` if the day turns out taken.
   */
  async reserve(memberId: string, day: string, cap: number, now: Date): Promise<{ useId: string; cardId: string }> {
    const month = day.slice(0, 7)
    const takenCards = new Set<string>()
    for (let n = 1; n <= cap;) {
      const cards = await this.m.Card.find({ memberId, state: 'active' }).lean<MakeupCardDoc[]>().exec()
      const card = cards.find((c) => !takenCards.has(c._id))
      if (!card) throw new DomainError('CHECKIN.NO_MAKEUP_CARD', 'no make-up card')
      const useId = `${memberId}:${month}:${n}`
      try {
        await insertRow(this.m.Use, { _id: useId, memberId, cardId: card._id, day, at: now })
        return { useId, cardId: card._id }
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        if (await existsById(this.m.Use, useId))
          n++ // that use of the month is taken
        else takenCards.add(card._id) // a concurrent make-up is using this card: try another
      }
    }
    throw new DomainError('CHECKIN.MAKEUP_CAP_REACHED', 'monthly make-up cap reached')
  }

  async release(useId: string): Promise<void> {
    await this.m.Use.deleteOne({ _id: useId }).exec()
  }

  async markUsed(cardId: string, day: string): Promise<void> {
    await this.m.Card.updateOne({ _id: cardId }, { $set: { state: 'used', usedFor: day } }).exec()
  }

  /** Buys a card with points; the client's Idempotency-Key names the card, so a retry buys once. */
  async buy(memberId: string, idempotencyKey: string, price: number, now: Date): Promise<string> {
    const card = {
      _id: `mc:${memberId}:buy:${idempotencyKey}`,
      memberId,
      source: 'purchase' as const,
      state: 'pending' as const,
      usedFor: null,
      createdAt: now,
    }
    const existing = (await insertOnce(this.m.Card, card as never))
      ? card
      : await this.m.Card.findById(card._id).lean<MakeupCardDoc>().exec()
    if (existing?.state === 'pending') await payForItem(this.ledger, this.cardItem(card, price), now)
    return card._id
  }

  /** Crash repair for bought cards whose payment was left pending before `before`. */
  async sweep(before: Date, price: number, now: Date): Promise<number> {
    const pending = await this.m.Card.find({ state: 'pending', createdAt: trusted({ $lt: before }) })
      .lean<MakeupCardDoc[]>()
      .exec()
    for (const card of pending) await settleStaleItem(this.ledger, this.cardItem(card, price), now)
    return pending.length
  }

  private cardItem(card: Pick<MakeupCardDoc, '_id' | 'memberId'>, price: number): PaidItem {
    return {
      memberId: card.memberId,
      paymentKey: `makeup-card:${card._id}`,
      points: price,
      type: 'redeem',
      meta: { item: '补签卡', cardId: card._id },
      activate: async () =>
        void (await updateIf(this.m.Card, card._id, { state: 'pending' }, { $set: { state: 'active' } })),
      release: async () => void (await deleteIf(this.m.Card, card._id, { state: 'pending' })),
    }
  }
}
