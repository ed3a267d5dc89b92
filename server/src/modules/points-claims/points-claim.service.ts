import {
  POINTS_CLAIM_FINDINGS_ZH,
  shanghaiDay,
  type PointsClaim,
  type PointsClaimAnswer,
  type PointsClaimRejectReason,
  type PointsClaimRequest,
  type PointsClaimStatus,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { claimTransition, markSettled, unsettled } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import { refuseIfFrozen, type MemberService } from '../members/member.service'
import type { PurchaseService } from '../points/purchase.service'
import type { ProgramRules } from '../rules/program-rules'
import type { StaffClaims } from '../auth/tokens'
import type { WechatPayClient } from '../wechat-pay/wechat-pay-client'
import type { WechatPayService } from '../wechat-pay/wechat-pay.service'
import type { WechatPayModels } from '../wechat-pay/wechat-pay.model'
import { ClaimLookup } from './points-claim-lookup'
import {
  decisionIdOf,
  type PointsClaimDecisionDoc,
  type PointsClaimDoc,
  type PointsClaimModels,
} from './points-claim.model'

/** How far back a member may claim a purchase, and how far ahead of the server's clock a till may run. */
export const CLAIM_WINDOW_DAYS = 30
const CLOCK_SKEW_MS = 5 * 60_000

/**
 * 积分补登: a member reports a purchase whose points never arrived. What can be found is answered at once
 * (already earned, still processing, merchant not mapped, or a queued WeChat payment of theirs earned
 * now); otherwise a claim goes to the service desk's queue. A decision is the insert of
 * `<claim>:decision`; an approval posts through the one earn pipeline (channel `service_desk`) under
 * the purchase's own keys (receipt, transaction_id), so a purchase another channel earned is never
 * paid again, whatever the order.
 */
export class PointsClaimService {
  private readonly lookup: ClaimLookup

  constructor(
    private readonly m: PointsClaimModels,
    private readonly purchases: PurchaseService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
    wx: { models: WechatPayModels; client: WechatPayClient; service: WechatPayService; appId: string },
  ) {
    this.lookup = new ClaimLookup(purchases, wx)
  }

  async file(memberId: string, input: PointsClaimRequest, now: Date): Promise<PointsClaimAnswer> {
    const purchasedAt = new Date(input.purchasedAt)
    if (purchasedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw new DomainError('CLAIM.OUT_OF_WINDOW', 'purchase time is in the future')
    if (now.getTime() - purchasedAt.getTime() > CLAIM_WINDOW_DAYS * 86400_000)
      throw new DomainError('CLAIM.OUT_OF_WINDOW', `claims are taken within ${CLAIM_WINDOW_DAYS} days`)
    const store = await this.purchases.stores.active(input.storeId)
    const { earning } = await this.rules.current()
    if (input.amountFen > earning.maxReceiptFen)
      throw new DomainError('PURCHASE.AMOUNT_TOO_LARGE', 'amount above the per-receipt maximum')
    const member = await this.members.get(memberId)
    refuseIfFrozen(member) // a frozen member earns no points, claimed late or not

    const found = await this.lookup.find(member, input, now)
    if (found) {
      const message = POINTS_CLAIM_FINDINGS_ZH[found.finding]
      return { finding: found.finding, message, points: found.points, claim: null }
    }

    const doc: PointsClaimDoc = {
      _id: claimIdOf(memberId, input, purchasedAt),
      memberId,
      storeId: store._id,
      purchasedAt,
      amountFen: input.amountFen,
      receiptNo: input.receiptNo ?? null,
      transactionId: input.transactionId ?? null,
      status: 'pending',
      points: 0,
      rejectReason: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: now,
    }
    // The same purchase claimed again by this member is the claim filed before.
    const claim = (await insertOnce(this.m.Claim, doc as never)) ? doc : await this.load(doc._id)
    return { finding: 'filed', message: POINTS_CLAIM_FINDINGS_ZH.filed, points: null, claim: await this.view(claim) }
  }

  async mine(memberId: string): Promise<PointsClaim[]> {
    const rows = await this.m.Claim.find({ memberId }).sort({ createdAt: -1 }).limit(50).lean<PointsClaimDoc[]>().exec()
    return Promise.all(rows.map(async (r) => this.view(await this.repaired(r))))
  }

  /** The desk's queue (pending, oldest first) or the decided claims (newest first). */
  async queue(status: PointsClaimStatus = 'pending'): Promise<PointsClaim[]> {
    const rows = await this.m.Claim.find({ status })
      .sort({ createdAt: status === 'pending' ? 1 : -1 })
      .limit(200)
      .lean<PointsClaimDoc[]>()
      .exec()
    return Promise.all(rows.map((r) => this.view(r)))
  }

  async approve(staff: StaffClaims, claimId: string, amountFen: number, now: Date): Promise<PointsClaim> {
    const claim = await this.load(claimId)
    const { earning } = await this.rules.current()
    if (amountFen > earning.maxReceiptFen)
      throw new DomainError('PURCHASE.AMOUNT_TOO_LARGE', 'amount above the per-receipt maximum')
    // Told apart up front for a clear answer; the keys below still refuse a second payment under any race.
    const earned = await this.lookup.earnedElsewhere(claim)
    if (earned) throw earned
    return this.decide(claim, { outcome: 'approved', by: staff.sub, amountFen, reason: null }, now)
  }

  async reject(staff: StaffClaims, claimId: string, reason: PointsClaimRejectReason, now: Date): Promise<PointsClaim> {
    const claim = await this.load(claimId)
    return this.decide(claim, { outcome: 'rejected', by: staff.sub, amountFen: null, reason }, now)
  }

  /** Decisions whose writer died before posting or caching them. */
  async sweep(now: Date, graceMs = 30_000): Promise<number> {
    const rows = await unsettled<PointsClaimDecisionDoc>(this.m.Decision, now, graceMs)
    for (const row of rows) await this.settle(await this.load(row.claimId), row, now)
    return rows.length
  }

  private async decide(
    claim: PointsClaimDoc,
    wanted: Pick<PointsClaimDecisionDoc, 'outcome' | 'by' | 'amountFen' | 'reason'>,
    now: Date,
  ): Promise<PointsClaim> {
    const row: PointsClaimDecisionDoc = {
      _id: decisionIdOf(claim._id),
      claimId: claim._id,
      ...wanted,
      points: null,
      at: now,
      settled: false,
    }
    const claimed = await claimTransition<PointsClaimDecisionDoc>(this.m.Decision, row)
    if (!claimed.won) {
      // The winner may have died before posting: finishing it is idempotent (the purchase's keys).
      if (claimed.row.settled === false) await this.settle(claim, claimed.row, now)
      throw new DomainError('CLAIM.ALREADY_DECIDED', 'claim was decided already', {
        outcome: claimed.row.outcome,
        at: new Date(claimed.row.at).toISOString(),
      })
    }
    return this.view(await this.settle(claim, row, now))
  }

  /** Carries out a decision (the posting, for an approval) and writes the claim's cache of it. */
  private async settle(claim: PointsClaimDoc, row: PointsClaimDecisionDoc, now: Date): Promise<PointsClaimDoc> {
    const points = row.outcome === 'approved' ? await this.post(claim, row, now) : 0
    const cache = {
      status: row.outcome,
      points,
      rejectReason: row.reason,
      decidedBy: row.by,
      decidedAt: row.at,
      ...(row.amountFen !== null ? { amountFen: row.amountFen } : {}),
    }
    await updateById(this.m.Claim, claim._id, { $set: cache })
    await updateById(this.m.Decision, row._id, { $set: { points, settled: true } })
    await markSettled(this.m.Decision, row._id)
    return { ...claim, ...cache }
  }

  /** Posts the approved purchase through the earn pipeline; 0 when another channel holds its keys. */
  private async post(claim: PointsClaimDoc, row: PointsClaimDecisionDoc, now: Date): Promise<number> {
    const recorded = await this.purchases.recordPurchase(
      {
        channel: 'service_desk',
        purchaseId: purchaseIdOf(claim),
        storeId: claim.storeId,
        receiptNo: claim.receiptNo ?? claim.transactionId ?? `BD-${shanghaiDay(claim.purchasedAt)}`,
        ...(claim.transactionId ? { transactionId: claim.transactionId } : {}),
        memberId: claim.memberId,
        amountFen: row.amountFen ?? claim.amountFen,
        at: new Date(claim.purchasedAt),
        by: row.by,
      },
      now,
    )
    if (recorded.outcome === 'linked') return 0
    // A receipt another member (or channel) recorded first under this receipt key earned there, not here.
    return recorded.result.memberId === claim.memberId && ours(recorded.result.staffId, row.by)
      ? recorded.result.points
      : 0
  }

  /** A claim whose decision is settled but whose cache a crash left behind shows the decision. */
  private async repaired(claim: PointsClaimDoc): Promise<PointsClaimDoc> {
    if (claim.status !== 'pending') return claim
    const row = await findById<PointsClaimDecisionDoc>(this.m.Decision, decisionIdOf(claim._id))
    if (!row?.settled) return claim
    return { ...claim, status: row.outcome, points: row.points ?? 0, rejectReason: row.reason, decidedBy: row.by }
  }

  private async load(claimId: string): Promise<PointsClaimDoc> {
    const claim = await findById<PointsClaimDoc>(this.m.Claim, claimId)
    if (!claim) throw new DomainError('CLAIM.NOT_FOUND', 'no such claim')
    return claim
  }

  private async view(c: PointsClaimDoc): Promise<PointsClaim> {
    const storeName = await this.purchases.stores.active(c.storeId).then(
      (s) => s.name,
      () => '已停用门店',
    )
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
    return {
      claimId: c._id,
      memberId: c.memberId,
      storeId: c.storeId,
      storeName,
      purchasedAt: new Date(c.purchasedAt).toISOString(),
      amountFen: c.amountFen,
      receiptNo: c.receiptNo,
      transactionId: c.transactionId,
      status: c.status,
      points: c.points,
      rejectReason: c.rejectReason,
      decidedBy: c.decidedBy,
      decidedAt: iso(c.decidedAt),
      createdAt: new Date(c.createdAt).toISOString(),
    }
  }
}

/** One claim per member and purchase: by receipt, else by WeChat order, else by store, minute and amount. */
export function claimIdOf(memberId: string, input: PointsClaimRequest, purchasedAt: Date): string {
  if (input.receiptNo) return `${memberId}:r:${input.storeId}:${input.receiptNo}`
  if (input.transactionId) return `${memberId}:t:${input.transactionId}`
  return `${memberId}:a:${input.storeId}:${purchasedAt.toISOString().slice(0, 16)}:${input.amountFen}`
}

/** The purchase's own key: the receipt, else the WeChat payment's, else the claim's (nothing else knows it). */
export function purchaseIdOf(claim: Pick<PointsClaimDoc, '_id' | 'storeId' | 'receiptNo' | 'transactionId'>): string {
  if (claim.receiptNo) return `${claim.storeId}:${claim.receiptNo}`
  if (claim.transactionId) return `wx:${claim.transactionId}`
  return `claim:${claim._id}`
}

const ours = (purchaseStaff: string, decider: string) => purchaseStaff === decider
