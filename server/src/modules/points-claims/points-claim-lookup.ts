import type { PointsClaimFinding, PointsClaimRequest } from '@mall/shared'
import { findById } from '../../db/by-id'
import type { DomainError } from '../../errors/domain-error'
import type { MemberDoc } from '../members/member.model'
import { alreadyEarned, txnKey } from '../points/purchase-record'
import { purchaseKeyModel, type PurchaseDoc, type PurchaseKeyDoc } from '../points/purchase.model'
import type { PurchaseService } from '../points/purchase.service'
import type { WechatPayClient } from '../wechat-pay/wechat-pay-client'
import type { WechatPayService } from '../wechat-pay/wechat-pay.service'
import type { WechatPayModels, WxUnmappedDoc } from '../wechat-pay/wechat-pay.model'
import type { PointsClaimDoc } from './points-claim.model'

export interface Found {
  finding: Exclude<PointsClaimFinding, 'filed'>
  points: number | null
}

/** A purchase recorded this close in time (and for the same amount) is taken for the one claimed. */
const HELD_MATCH_MS = 2 * 3600_000

/**
 * Where a claimed purchase may already be, looked up before anyone is asked: the purchase keys (the
 * receipt, the WeChat order), WeChat Pay's queue of payments without a store or member, receipts held
 * for a manager, and WeChat's 待积分状态 for the member. Reads only: the answer is advice, the keys decide.
 */
export class ClaimLookup {
  private readonly Key

  constructor(
    private readonly purchases: PurchaseService,
    private readonly wx: { models: WechatPayModels; client: WechatPayClient; service: WechatPayService; appId: string },
  ) {
    this.Key = purchaseKeyModel(purchases.Purchase.db)
  }

  async find(member: MemberDoc, input: PointsClaimRequest, now: Date): Promise<Found | null> {
    const known = await this.recorded(input.storeId, input.receiptNo ?? null, input.transactionId ?? null)
    // Another member's purchase is not told about here: the desk looks at it.
    if (known && known.memberId === member._id) return this.ofPurchase(known)
    if (input.transactionId) {
      const queued = await findById<WxUnmappedDoc>(this.wx.models.Unmapped, input.transactionId)
      if (queued?.reason === 'unknown_merchant') return { finding: 'merchant_unmapped', points: null }
      // A payment queued because its payer was unknown, and the payer is this member: it earns now, once.
      if (queued?.reason === 'unknown_member' && member.openid && queued.payment.openid === member.openid) {
        const retried = await this.wx.service.retryQueued(input.transactionId, now)
        if (retried.outcome === 'earned') {
          const purchase = await this.purchases.recorder.byTransaction(input.transactionId)
          return { finding: 'earned_now', points: purchase?.points ?? null }
        }
      }
    }
    if (await this.heldAtStore(member._id, input)) return { finding: 'processing', points: null }
    if (!input.receiptNo && member.openid && (await this.wechatPending(member.openid, now)))
      return { finding: 'processing', points: null }
    return null
  }

  /** The refusal for approving a claim whose purchase another channel (or member) earned, if so. */
  async earnedElsewhere(claim: PointsClaimDoc): Promise<DomainError | null> {
    if (claim.transactionId) {
      const holder = await findById<PurchaseKeyDoc>(this.Key, txnKey(claim.transactionId))
      if (holder && holder.channel !== 'service_desk') return alreadyEarned(holder)
    }
    if (claim.receiptNo) {
      const p = await findById<PurchaseDoc>(this.purchases.Purchase, `${claim.storeId}:${claim.receiptNo}`)
      if (p && p.channel !== 'service_desk' && p.status !== 'rejected')
        return alreadyEarned({ _id: p._id, purchaseId: p._id, channel: p.channel, at: p.createdAt })
    }
    return null
  }

  private async recorded(storeId: string, receiptNo: string | null, txn: string | null): Promise<PurchaseDoc | null> {
    if (receiptNo) {
      const p = await findById<PurchaseDoc>(this.purchases.Purchase, `${storeId}:${receiptNo}`)
      if (p) return p
    }
    return txn ? this.purchases.recorder.byTransaction(txn) : null
  }

  private ofPurchase(p: PurchaseDoc): Found | null {
    if (p.status === 'posted') return { finding: 'already_earned', points: p.points }
    if (p.status === 'posting' || p.status === 'pending_approval') return { finding: 'processing', points: null }
    // rejected or reversed: a person looks at it
    return null
  }

  private async heldAtStore(memberId: string, input: PointsClaimRequest): Promise<boolean> {
    const at = new Date(input.purchasedAt).getTime()
    const held = await this.purchases.Purchase.find({ storeId: input.storeId, status: 'pending_approval' })
      .limit(500)
      .lean<PurchaseDoc[]>()
      .exec()
    return held.some(
      (p) =>
        p.memberId === memberId &&
        p.amountFen === input.amountFen &&
        Math.abs(new Date(p.createdAt).getTime() - at) <= HELD_MATCH_MS,
    )
  }

  /** 待积分状态查询: WeChat still has a payment of this member's whose points are on their way. */
  private async wechatPending(openid: string, now: Date): Promise<boolean> {
    const answer = await this.wx.client.pendingPointsOf(openid, this.wx.appId, now)
    return answer.ok && answer.body?.pending_status === 'PENDING'
  }
}
