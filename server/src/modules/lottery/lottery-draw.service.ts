import { createHash, randomInt, randomUUID } from 'node:crypto'
import { trusted, type Model } from 'mongoose'
import { LOTTERY_RNG_RANGE, drawPrize, shanghaiDay, shanghaiMonth, type LotteryDrawResult } from '@mall/shared'
import type { BudgetChain } from '../../db/budget-chain'
import { existsById, findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { deleteIf, updateIf } from '../../db/guarded-write'
import { claimTransition, markSettled } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import type { CouponClaimService } from '../coupons/claim.service'
import type { CouponDoc } from '../coupons/coupon.model'
import { payForItem, settleStaleItem, type PaidItem } from '../ledger/paid-item'
import type { LedgerService } from '../ledger/ledger.service'
import { refuseIfFrozen, type MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { budgetKey, type LotteryAdminService } from './lottery-admin.service'
import { closedReason, drawView } from './lottery-views'
import {
  drawId,
  type LotteryDoc,
  type LotteryDrawDoc,
  type LotteryModels,
  type LotteryOutcomeDoc,
  type LotteryVersionDoc,
} from './lottery.model'
import type { LotteryGifts } from './lottery.module'
import type { PrizeStock } from './prize-stock'

const STALE_DRAW_MS = 30_000
/** Coupon prizes take keyed ordinals from here (tier monthly coupons use 1,000,000 up to about 1,050,000). */
const LOTTERY_ORDINAL_BASE = 1_000_000_000_000
const ORDINAL_HASH_BYTES = 5

export interface LotteryDrawDeps {
  admin: LotteryAdminService
  ledger: LedgerService
  members: MemberService
  rules: ProgramRules
  coupons: CouponClaimService
  Coupon: Model<CouponDoc>
  gifts: LotteryGifts
  stock: PrizeStock
  budget: BudgetChain
  /** the RNG: uniform in [0, 1,000,000) from crypto.randomInt unless a test passes its own */
  rng?: () => number
}

/**
 * A member's draw, told as the saga it is: the draw row (one of the member's numbered draws of the
 * day, carrying the RNG output and the prize it picks) → the points spent, keyed to the draw →
 * the outcome decided and stored (stock slot, budget, coupon, then the outcome's insert) → the prize
 * handed out. Only then is anything answered, so the animation always lands on a stored outcome.
 */
export class LotteryDrawService {
  private readonly rng: () => number

  constructor(
    private readonly m: LotteryModels,
    private readonly deps: LotteryDrawDeps,
  ) {
    this.rng = deps.rng ?? (() => randomInt(0, LOTTERY_RNG_RANGE))
  }

  async draw(memberId: string, lotteryId: string, now: Date): Promise<LotteryDrawResult> {
    const lottery = await this.deps.admin.get(lotteryId)
    const version = await this.deps.admin.versionAt(lotteryId, now)
    if (closedReason(lottery, now) || !version) throw new DomainError('LOTTERY.NOT_OPEN', 'lottery not open')
    const member = await this.deps.members.getForDisplay(memberId)
    refuseIfFrozen(member) // a frozen member spends no points
    if ((await this.deps.ledger.head(memberId, member.walletHint ?? null)).state.balance < lottery.costPoints)
      throw new DomainError('POINTS.INSUFFICIENT', 'not enough points') // early answer; the debit enforces it
    const rng = this.rng()
    const draw = await this.takeDailySlot(lottery, version, memberId, rng, now)
    await payForItem(this.deps.ledger, this.paidItem(draw, lottery), now)
    const outcome = (await findById<LotteryOutcomeDoc>(this.m.Outcome, draw._id))!
    const [drawsToday, head] = await Promise.all([
      this.drawsToday(lottery, memberId, now),
      this.deps.ledger.head(memberId),
    ])
    return {
      draw: drawView({ ...draw, state: 'settled' }, lottery, version, outcome),
      drawsLeftToday: Math.max(0, lottery.dailyLimit - drawsToday),
      balance: head.state.balance,
    }
  }

  /** The member's numbered draws of the day that are taken, probed by id (a filter would scan on FerretDB). */
  async drawsToday(lottery: Pick<LotteryDoc, '_id' | 'dailyLimit'>, memberId: string, now: Date): Promise<number> {
    const day = shanghaiDay(now)
    const ids = Array.from({ length: lottery.dailyLimit }, (_, i) => drawId(lottery._id, memberId, day, i + 1))
    return (await Promise.all(ids.map((id) => existsById(this.m.Draw, id)))).filter(Boolean).length
  }

  /** Finishes draws a crash left unpaid-but-pending or paid-but-unsettled (see paid-item.ts). */
  async sweep(now: Date): Promise<number> {
    const stuck = await this.m.Draw.find({
      state: trusted({ $in: ['pending_payment', 'paid'] }),
      at: trusted({ $lt: new Date(now.getTime() - STALE_DRAW_MS) }),
    })
      .lean<LotteryDrawDoc[]>()
      .exec()
    for (const d of stuck)
      await settleStaleItem(this.deps.ledger, this.paidItem(d, await this.deps.admin.get(d.lotteryId)), now)
    return stuck.length
  }

  /** Takes the first free numbered draw of the member's day: past the daily limit there is none. */
  private async takeDailySlot(
    lottery: LotteryDoc,
    version: LotteryVersionDoc,
    memberId: string,
    rng: number,
    now: Date,
  ): Promise<LotteryDrawDoc> {
    const day = shanghaiDay(now)
    const pickedPrizeId = drawPrize(version.prizes, rng).id
    for (let n = 1; n <= lottery.dailyLimit; n++) {
      const doc: LotteryDrawDoc = {
        _id: drawId(lottery._id, memberId, day, n),
        lotteryId: lottery._id,
        memberId,
        day,
        n,
        attempt: randomUUID(),
        version: version.version,
        rng,
        pickedPrizeId,
        costPoints: lottery.costPoints,
        state: 'pending_payment',
        prizeId: null,
        fallback: null,
        at: now,
      }
      if (await insertOnce(this.m.Draw, doc as never)) return doc
    }
    throw new DomainError('LOTTERY.DAILY_LIMIT', 'no draws left today')
  }

  private paidItem(d: LotteryDrawDoc, lottery: LotteryDoc): PaidItem {
    return {
      memberId: d.memberId,
      paymentKey: `lottery:${d._id}:${d.attempt}`,
      points: d.costPoints,
      type: 'lottery',
      meta: { drawId: d._id, lotteryId: d.lotteryId, reason: `积分抽奖「${lottery.name}」` },
      activate: () => this.finish(d, lottery),
      // The release row's insert gates the delete: of two releases of this attempt only one deletes, so
      // a late one never removes a draw someone took in the freed slot since.
      release: async () => {
        if (await insertOnce(this.m.Release, { _id: `${d._id}@${d.attempt}`, at: new Date() }))
          await deleteIf(this.m.Draw, d._id, { attempt: d.attempt, state: 'pending_payment' })
      },
    }
  }

  /** After the payment: decide and store the outcome once, then hand the prize out (safe to repeat). */
  private async finish(d: LotteryDrawDoc, lottery: LotteryDoc): Promise<void> {
    await updateIf(this.m.Draw, d._id, { attempt: d.attempt, state: 'pending_payment' }, { $set: { state: 'paid' } })
    const version = (await this.deps.admin.versions(d.lotteryId)).find((v) => v.version === d.version)!
    let outcome = await findById<LotteryOutcomeDoc>(this.m.Outcome, d._id)
    if (!outcome) outcome = (await claimTransition(this.m.Outcome, await this.decide(d, lottery, version))).row
    const prize = version.prizes.find((p) => p.id === outcome.prizeId)!
    if (prize.kind === 'points') {
      const { earning } = await this.deps.rules.current()
      const at = new Date(d.at)
      await this.deps.ledger.post({
        memberId: d.memberId,
        eventKey: `lottery-prize:${d._id}`,
        type: 'lottery_prize',
        now: at,
        plan: () => ({
          op: {
            kind: 'credit',
            points: prize.points,
            earnedMonth: shanghaiMonth(at),
            expiryMonths: earning.expiryMonths,
          },
          meta: { drawId: d._id, reason: `积分抽奖中奖「${prize.name}」` },
        }),
      })
    }
    await markSettled(this.m.Outcome, d._id)
    await updateById(this.m.Draw, d._id, {
      $set: { state: 'settled', prizeId: outcome.prizeId, fallback: outcome.fallback },
    })
  }

  /**
   * The outcome: the picked prize if a stock slot, the budget and (for a coupon) the coupon are all
   * secured for this draw, the consolation prize otherwise. Each step is keyed to the draw, so a
   * repeat (the sweeper after a crash) finds what the first attempt secured.
   */
  private async decide(d: LotteryDrawDoc, lottery: LotteryDoc, version: LotteryVersionDoc): Promise<LotteryOutcomeDoc> {
    const now = new Date(d.at)
    const picked = version.prizes.find((p) => p.id === d.pickedPrizeId)!
    let fallback: LotteryOutcomeDoc['fallback'] = null
    let slot: number | null = null
    let couponId: string | null = null
    if (picked.stock !== null) {
      slot = await this.deps.stock.take(lottery._id, { id: picked.id, stock: picked.stock }, d._id, now)
      if (slot === null) fallback = 'sold_out'
    }
    if (!fallback && picked.kind === 'points') {
      const key = budgetKey(lottery._id)
      if ((await this.deps.budget.reserve(key, lottery.budgetPoints, d._id, picked.points, now, true)) === 0) {
        fallback = 'budget'
        await this.deps.admin.states.claim(lottery._id, 'budget', 'budget', now)
      }
    }
    if (!fallback && picked.kind === 'coupon') {
      couponId = await this.grantCoupon(d, picked.couponTemplateId!, now)
      if (!couponId) fallback = 'sold_out'
    }
    let giftRedemptionId: string | null = null
    if (!fallback && picked.kind === 'gift') {
      giftRedemptionId = await this.grantGift(d, picked.giftId!, now)
      if (!giftRedemptionId) fallback = 'sold_out'
    }
    return {
      _id: d._id,
      lotteryId: d.lotteryId,
      memberId: d.memberId,
      prizeId: fallback ? version.consolationPrizeId : picked.id,
      fallback,
      slot,
      couponId,
      giftRedemptionId,
      at: now,
      settled: false,
    }
  }

  /** The gift through the mall's grant, keyed by the draw (a repeat gets the same redemption). Null when refused. */
  private async grantGift(d: LotteryDrawDoc, giftId: string, now: Date): Promise<string | null> {
    try {
      return await this.deps.gifts.grant(d.memberId, giftId, `lottery:${d._id}`, now)
    } catch (err) {
      if (err instanceof DomainError) return null
      throw err
    }
  }

  /**
   * The coupon through the coupon claim mechanism, under an ordinal derived from the draw, so a repeat
   * finds the coupon the first attempt got instead of adding one. Null when the template refuses.
   */
  private async grantCoupon(d: LotteryDrawDoc, templateId: string, now: Date): Promise<string | null> {
    const hash = createHash('sha256').update(d._id).digest().readUIntBE(0, ORDINAL_HASH_BYTES)
    const ordinal = LOTTERY_ORDINAL_BASE + hash
    try {
      const granted = await this.deps.coupons.grantKeyed(d.memberId, templateId, ordinal, now)
      if (granted !== 'already_granted') return granted._id
      const earlier = await this.deps.Coupon.findOne({ templateId, memberId: d.memberId, ordinal })
        .lean<CouponDoc>()
        .exec()
      return earlier?._id ?? null
    } catch (err) {
      if (err instanceof DomainError) return null
      throw err
    }
  }
}
