import { trusted, type Connection } from 'mongoose'
import {
  MEMBER_CODE_STEP_SECONDS,
  shanghaiMonth,
  stepEndsAt,
  timeStep,
  type GiftRedemption,
  type MemberCodeResponse,
  type RedemptionOutcome,
  type RedemptionStatus,
  type ScannedPickup,
  maskAddress,
  maskName,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { claimTransition, markSettled, unsettled } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims } from '../auth/tokens'
import type { LedgerService } from '../ledger/ledger.service'
import { signCode, verifyCode } from '../member-code/signer'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import type { GiftRedemptionService } from './gift-redemption.service'
import { statusOf, toRedemptionView } from './redemption-view'
import {
  decisionId,
  pointsMallModels,
  type GiftDecisionDoc,
  type GiftRedemptionDoc,
  type PointsMallModels,
} from './points-mall.model'

/** How long a decision's writer has to give points and stock back before the sweeper does. */
const SETTLE_GRACE_MS = 30_000
const LIST_LIMIT = 200
const EXPIRY_BATCH = 500

type Decision = Pick<GiftDecisionDoc, 'outcome' | 'by' | 'storeId' | 'carrier' | 'trackingNo'>

/**
 * What happens to a paid redemption: handed over at the desk (pickup code), shipped (tracking number),
 * cancelled (points back) or lapsed unclaimed (points back or forfeited, per gift). Each is the insert
 * of the redemption's one decision row, so of a cancel and a pickup racing exactly one wins and the
 * other is told what happened; the winner then gives points and stock back and writes the cache.
 */
export class GiftFulfilmentService {
  private readonly m: PointsMallModels

  constructor(
    conn: Connection,
    private readonly secret: string,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
    private readonly redemptions: GiftRedemptionService,
  ) {
    this.m = pointsMallModels(conn)
  }

  async mine(memberId: string, status: RedemptionStatus | undefined): Promise<GiftRedemption[]> {
    const rows = await this.m.Redemption.find({ memberId, state: 'active' })
      .sort({ redeemedAt: -1 })
      .limit(LIST_LIMIT)
      .lean<GiftRedemptionDoc[]>()
      .exec()
    const views = await this.views(rows)
    return status ? views.filter((v) => v.status === status) : views
  }

  async mineOne(memberId: string, id: string): Promise<GiftRedemption> {
    const r = await this.own(memberId, id)
    return toRedemptionView(r, await this.decision(r))
  }

  /** The operator's fulfilment queue (待发货 first by default). */
  async queue(status: RedemptionStatus | undefined): Promise<(GiftRedemption & { memberId: string })[]> {
    const filter = status ? { state: 'active', status } : { state: 'active' }
    const rows = await this.m.Redemption.find(filter)
      .sort({ redeemedAt: -1 })
      .limit(LIST_LIMIT)
      .lean<GiftRedemptionDoc[]>()
      .exec()
    const views = await this.views(rows)
    // the operator sees whom it ships to masked; the full address is a reveal (personal-data routes), audited
    return views.map((v, i) => ({
      ...v,
      address: v.address ? maskAddress(v.address) : null,
      memberId: rows[i]!.memberId,
    }))
  }

  /** The rotating pickup code (QR and digits) of the member's own redemption, while it waits at the desk. */
  async pickupCode(memberId: string, id: string, now: Date): Promise<MemberCodeResponse> {
    const r = await this.own(memberId, id)
    if (r.fulfilment !== 'pickup') throw new DomainError('REDEMPTION.WRONG_FULFILMENT', 'not a pickup')
    const d = await this.decision(r)
    if (d) throw alreadyDecided(d)
    const step = timeStep(now)
    return {
      code: signCode(this.secret, 'pickup', r._id, step),
      stepSeconds: MEMBER_CODE_STEP_SECONDS,
      refreshAt: stepEndsAt(step).toISOString(),
      serverTime: now.toISOString(),
    }
  }

  /** The desk scanned a pickup code: what it is, whose, and whether it can be handed over now. */
  async previewPickup(code: string, now: Date): Promise<ScannedPickup> {
    const r = await this.fromCode(code, now)
    const d = await this.decision(r)
    const member = await this.members.get(r.memberId)
    const lapsed = !d && r.expiresAt !== null && new Date(r.expiresAt) < now
    return {
      redemption: toRedemptionView(r, d),
      member: { memberNo: `****${member._id.slice(-4)}`, nickname: maskName(member.nickname) },
      usable: !d && !lapsed,
      reason: d ? 'ALREADY_DECIDED' : lapsed ? 'EXPIRED' : null,
    }
  }

  /** The desk hands the gift over: the decision row's insert is the code's one use. */
  async pickUp(staff: StaffClaims, code: string, now: Date): Promise<GiftRedemption> {
    const r = await this.fromCode(code, now)
    // A lapse the job has not reached yet still counts: the member was told the last day.
    if (r.expiresAt && new Date(r.expiresAt) < now) await this.lapse(r, now)
    return this.decide(r, decision('picked_up', staff.sub, { storeId: staff.storeId }), now, staff.sub)
  }

  async ship(operatorId: string, id: string, shipping: { carrier: string; trackingNo: string }, now: Date) {
    const r = await this.byId(id)
    if (r.fulfilment !== 'delivery') throw new DomainError('REDEMPTION.WRONG_FULFILMENT', 'not a delivery')
    return this.decide(r, decision('shipped', operatorId, shipping), now, operatorId)
  }

  async cancelByMember(memberId: string, id: string, now: Date): Promise<GiftRedemption> {
    const r = await this.own(memberId, id)
    return this.decide(r, decision('cancelled', memberId), now, memberId)
  }

  async cancelByOperator(operatorId: string, id: string, now: Date): Promise<GiftRedemption> {
    const r = await this.byId(id)
    return this.decide(r, decision('cancelled', operatorId), now, operatorId)
  }

  /**
   * The lapse job: pickups past their last day get their `expired` decision (points back when the gift
   * says so, and the stock back). Keyed by the decision row, so two runs at once lapse each one once.
   */
  async expireDue(now: Date): Promise<{ expired: number }> {
    const due = await this.m.Redemption.find({
      state: 'active',
      status: 'pending_pickup',
      expiresAt: trusted({ $lt: now }),
    })
      .limit(EXPIRY_BATCH)
      .lean<GiftRedemptionDoc[]>()
      .exec()
    let expired = 0
    for (const r of due) if (await this.lapse(r, now)) expired++
    return { expired }
  }

  /** Lapses an unclaimed pickup; false when another decision (or another run) was first. */
  private async lapse(r: GiftRedemptionDoc, now: Date): Promise<boolean> {
    const claimed = await this.claim(r, decision('expired', 'system'), now)
    if (claimed.won) await this.settle(r, claimed.row)
    else await this.cache(r._id, claimed.row.outcome) // the status cache lagged behind the decision
    return claimed.won
  }

  /** Finishes decisions whose writer crashed before giving points or stock back. */
  async sweep(now: Date): Promise<number> {
    const rows = await unsettled<GiftDecisionDoc>(this.m.Decision, now, SETTLE_GRACE_MS)
    for (const row of rows) {
      const r = await findById<GiftRedemptionDoc>(this.m.Redemption, row.redemptionId)
      if (r) await this.settle(r, row)
    }
    return rows.length
  }

  /**
   * Inserts the decision; the winner settles it. A loser that asked for the same thing (`repeatBy`
   * did it already: a double tap, a retry) gets the redemption as it is; anyone else is told.
   */
  private async decide(r: GiftRedemptionDoc, want: Decision, now: Date, repeatBy?: string): Promise<GiftRedemption> {
    if (r.state !== 'active') throw new DomainError('REDEMPTION.NOT_FOUND', 'redemption not found')
    const claimed = await this.claim(r, want, now)
    if (!claimed.won) {
      if (claimed.row.outcome === want.outcome && claimed.row.by === repeatBy) return toRedemptionView(r, claimed.row)
      throw alreadyDecided(claimed.row)
    }
    await this.settle(r, claimed.row)
    return toRedemptionView(r, claimed.row)
  }

  private claim(r: GiftRedemptionDoc, want: Decision, now: Date) {
    const refunds = want.outcome === 'cancelled' || (want.outcome === 'expired' && r.refundOnExpiry)
    const row: GiftDecisionDoc = {
      _id: decisionId(r._id),
      redemptionId: r._id,
      ...want,
      refundPoints: refunds ? r.pricePoints : 0,
      at: now,
      settled: false,
    }
    return claimTransition<GiftDecisionDoc>(this.m.Decision, row)
  }

  /** Points back (keyed per redemption: posted once), stock back, the cache, then the row is settled. */
  private async settle(r: GiftRedemptionDoc, row: GiftDecisionDoc): Promise<void> {
    if (row.refundPoints > 0) {
      const { earning } = await this.rules.current()
      await this.ledger.post({
        memberId: r.memberId,
        eventKey: `gift-refund:${r._id}`,
        type: 'gift_refund',
        now: row.at,
        plan: () => ({
          op: {
            kind: 'credit',
            points: row.refundPoints,
            earnedMonth: shanghaiMonth(row.at),
            expiryMonths: earning.expiryMonths,
          },
          meta: { redemptionId: r._id, giftId: r.giftId, reason: `退回兑换「${r.giftName}」` },
        }),
      })
    }
    if (row.outcome === 'cancelled' || row.outcome === 'expired') await this.redemptions.releaseSlot(r._id)
    await this.cache(r._id, row.outcome)
    await markSettled(this.m.Decision, row._id)
  }

  // The decision row never changes once inserted, so one write of the cache is final.
  private async cache(id: string, outcome: RedemptionOutcome): Promise<void> {
    await updateById(this.m.Redemption, id, { $set: { status: outcome } })
  }

  private decision(r: GiftRedemptionDoc): Promise<GiftDecisionDoc | null> {
    return findById<GiftDecisionDoc>(this.m.Decision, decisionId(r._id))
  }

  /** Views with their decisions (one read for all); a cache that lagged is repaired on the way. */
  private async views(rows: GiftRedemptionDoc[]): Promise<GiftRedemption[]> {
    const ids = rows.map((r) => decisionId(r._id))
    const decisions = ids.length
      ? await this.m.Decision.find({ _id: trusted({ $in: ids }) })
          .lean<GiftDecisionDoc[]>()
          .exec()
      : []
    const byId = new Map(decisions.map((d) => [d.redemptionId, d]))
    return Promise.all(
      rows.map(async (r) => {
        const d = byId.get(r._id) ?? null
        if (d && r.status !== statusOf(r, d)) await this.cache(r._id, d.outcome)
        return toRedemptionView(r, d)
      }),
    )
  }

  private async byId(id: string): Promise<GiftRedemptionDoc> {
    const r = await findById<GiftRedemptionDoc>(this.m.Redemption, id)
    if (!r || r.state !== 'active') throw new DomainError('REDEMPTION.NOT_FOUND', 'redemption not found')
    return r
  }

  /** The member's own redemption only: another member's number answers 404. */
  private async own(memberId: string, id: string): Promise<GiftRedemptionDoc> {
    const r = await findById<GiftRedemptionDoc>(this.m.Redemption, id)
    if (!r || r.memberId !== memberId || r.state !== 'active')
      throw new DomainError('REDEMPTION.NOT_FOUND', 'redemption not found')
    return r
  }

  private async fromCode(code: string, now: Date): Promise<GiftRedemptionDoc> {
    const result = verifyCode(this.secret, 'pickup', code, timeStep(now))
    if (!result.ok) {
      if (result.reason === 'expired') throw new DomainError('PICKUP.CODE_EXPIRED', 'pickup code expired')
      throw new DomainError('PICKUP.CODE_INVALID', 'pickup code invalid')
    }
    const r = await findById<GiftRedemptionDoc>(this.m.Redemption, result.subject)
    if (!r || r.state !== 'active') throw new DomainError('PICKUP.CODE_INVALID', 'pickup code invalid')
    return r
  }
}

function decision(
  outcome: RedemptionOutcome,
  by: string,
  more: Partial<Pick<Decision, 'storeId' | 'carrier' | 'trackingNo'>> = {},
): Decision {
  return { outcome, by, storeId: null, carrier: null, trackingNo: null, ...more }
}

function alreadyDecided(d: GiftDecisionDoc): DomainError {
  return new DomainError('REDEMPTION.ALREADY_DECIDED', `redemption already ${d.outcome}`, {
    outcome: d.outcome,
    at: new Date(d.at).toISOString(),
  })
}
