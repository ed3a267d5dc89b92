import { refundPoints, refundSpendFen, type MallRefundResource } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import type { PurchaseRecorder } from '../points/purchase-record'
import type { PurchaseDoc } from '../points/purchase.model'
import { TransitionChain } from '../../db/transitions'
import type { WechatPayModels, WxRefundDoc, WxRefundSlotDoc } from './wechat-pay.model'

/**
 * 商圈会员场内退款通知 → a reversal keyed by refund_id. The refund row (`_id` = refund_id) keeps the refund
 * whatever the order; its reversal is the ledger entry `refund:<refund_id>`, whose unique event key
 * makes it happen once however many times WeChat repeats the refund or the payment. A partial refund
 * takes back its share of the points (rounded down) and of the qualifying spend; the programme's
 * `negativeBalancePolicy` decides a refund of points already spent: a debt, or no clawback (refused).
 */
export class WechatPayRefunds {
  private readonly slots: TransitionChain<WxRefundSlotDoc>

  constructor(
    private readonly m: WechatPayModels,
    private readonly recorder: PurchaseRecorder,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
  ) {
    this.slots = new TransitionChain<WxRefundSlotDoc>(m.RefundSlot, (txn, k) => `${txn}#${k}`)
  }

  async received(r: MallRefundResource, refundedAt: Date, now: Date): Promise<void> {
    const row: WxRefundDoc = {
      _id: r.refund_id,
      transactionId: r.transaction_id,
      openid: r.openid,
      payFen: r.pay_amount,
      refundFen: r.refund_amount,
      refundedAt,
      receivedAt: now,
      settled: false,
      outcome: null,
      entryId: null,
    }
    const first = await insertOnce(this.m.Refund, row as never)
    // The refund's place among its payment's refunds, which is how the payment finds it when it posts.
    // Also on a repeat: a crash between the row and its slot left it unfindable until the sweeper ran.
    await this.slot(row, now)
    const kept = first ? row : ((await findById<WxRefundDoc>(this.m.Refund, r.refund_id)) ?? row)
    await this.apply(kept, now)
  }

  /** A payment's points were posted: the refunds that arrived before it are applied now. */
  async paymentPosted(transactionId: string, now: Date): Promise<void> {
    // Usually one lookup by `_id` that finds nothing: most payments are never refunded.
    for (let k = 1; ; k++) {
      const slot = await findById<WxRefundSlotDoc>(this.m.RefundSlot, `${transactionId}#${k}`)
      if (!slot) return
      const row = await findById<WxRefundDoc>(this.m.Refund, slot.refundId)
      if (row) await this.apply(row, now)
    }
  }

  /** Claims the refund's slot among its payment's refunds, unless it holds one already. */
  private async slot(row: WxRefundDoc, now: Date): Promise<void> {
    for (;;) {
      const { length } = await this.slots.read(row.transactionId)
      for (let k = length; k >= 1; k--) {
        const held = await findById<WxRefundSlotDoc>(this.m.RefundSlot, `${row.transactionId}#${k}`)
        if (held?.refundId === row._id) return
      }
      const slot = { _id: `${row.transactionId}#${length + 1}`, at: now, settled: true, refundId: row._id }
      if ((await this.slots.claim(slot)).won) return
    }
  }

  /** Refunds still waiting whose payment has been posted meanwhile (a crash between the two). */
  async sweep(now: Date): Promise<number> {
    const waiting = await this.m.Refund.find({ settled: false }).limit(200).lean<WxRefundDoc[]>().exec()
    for (const row of waiting) await this.apply(row, now)
    return waiting.length
  }

  /** Idempotent: the ledger's event key decides; the row only caches the outcome. */
  private async apply(row: WxRefundDoc, now: Date): Promise<void> {
    if (row.settled) return
    const purchase = await this.recorder.byTransaction(row.transactionId)
    const original = purchase?.entryId ? await this.ledger.entry(purchase.entryId) : null
    if (!purchase || !original) return // the payment has not earned yet: applied when it does
    const outcome = await this.reverse(purchase, original, row, now)
    await updateById(this.m.Refund, row._id, { $set: { settled: true, ...outcome } })
  }

  private async reverse(
    purchase: PurchaseDoc,
    original: NonNullable<Awaited<ReturnType<LedgerService['entry']>>>,
    row: WxRefundDoc,
    now: Date,
  ): Promise<Pick<WxRefundDoc, 'outcome' | 'entryId'>> {
    const { earning } = await this.rules.current()
    // The share is of what this payment paid as we recorded it (a till award of the same payment may differ).
    const points = refundPoints(original.delta, purchase.amountFen, Math.min(row.refundFen, purchase.amountFen))
    try {
      const { entry } = await this.ledger.post({
        memberId: purchase.memberId,
        eventKey: `refund:${row._id}`,
        type: 'reversal',
        now,
        plan: (state) => {
          if (points > 0 && earning.negativeBalancePolicy === 'reject' && state.balance < points) {
            throw new DomainError('POINTS.ALREADY_SPENT', 'the member already spent these points')
          }
          return {
            op: points > 0 ? { kind: 'clawback', points } : { kind: 'none' },
            growth: {
              spendFen: {
                month: original.growth.spendFen?.month ?? '',
                amount: -refundSpendFen(purchase.amountFen, row.refundFen),
              },
            },
            meta: {
              storeId: purchase.storeId,
              storeName: original.meta.storeName,
              receiptNo: purchase.receiptNo,
              amountFen: -row.refundFen,
              channel: 'wechat_pay',
              refundId: row._id,
              reversalOf: original._id,
              reason: '微信支付退款扣回积分',
            },
          }
        },
      })
      return { outcome: 'reversed', entryId: entry._id }
    } catch (err) {
      if (err instanceof DomainError && err.code === 'POINTS.ALREADY_SPENT')
        return { outcome: 'refused', entryId: null }
      throw err
    }
  }
}
