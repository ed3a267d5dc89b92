import { randomUUID } from 'node:crypto'
import type { Connection } from 'mongoose'
import {
  shanghaiMonth,
  type MemberRequestState,
  type MemberRequestView,
  type MemberStatusView,
  type PointsAdjustmentRequest,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { claimTransition, markSettled, TransitionChain, unsettled } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import { forfeitEveryLot } from '../ledger/forfeit'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import {
  decisionId,
  freezeEventId,
  memberAdminModels,
  type MemberAdminModels,
  type MemberFreezeDoc,
  type MemberRequestDecisionDoc,
  type MemberRequestDoc,
} from './member-admin.model'

/** Test seam: pauses an adjustment after its member read, to force its race with the erase job. */
export const adjustmentHooks: { afterMemberRead?: (memberId: string) => Promise<void> } = {}

/** How long an approval's poster has to finish before someone viewing the queue finishes it. */
const SETTLE_GRACE_MS = 30_000

export interface MemberAdminDeps {
  ledger: LedgerService
  members: MemberService
  rules: ProgramRules
  /** adjustments of at least this many points (either sign) wait for a second operator */
  approvalThreshold: number
}

/**
 * Operators' actions on one member. A points adjustment is a request; below the threshold its maker's
 * own decision approves it at once, at or above it another operator decides. Either way the decision
 * is the insert of `<request>:decision` (so of 20 racing approvals one posts) and the posting is the
 * ledger entry keyed to the request (so a retried posting never doubles). Freezing is a chain of
 * inserts per member; earning, spending and claiming check the member row's cache of it.
 */
export class MemberAdminService {
  private readonly m: MemberAdminModels
  private readonly freezes: TransitionChain<MemberFreezeDoc>

  constructor(
    conn: Connection,
    private readonly deps: MemberAdminDeps,
  ) {
    this.m = memberAdminModels(conn)
    this.freezes = new TransitionChain(this.m.Freeze, freezeEventId)
  }

  async requestAdjustment(
    memberId: string,
    input: PointsAdjustmentRequest,
    operatorId: string,
    now: Date,
  ): Promise<MemberRequestView> {
    await this.deps.members.getUnerased(memberId) // 404 for an unknown member, 409 for an erased one
    await adjustmentHooks.afterMemberRead?.(memberId)
    const needsApproval = Math.abs(input.points) >= this.deps.approvalThreshold
    const request: MemberRequestDoc = {
      _id: randomUUID(),
      kind: 'adjust',
      memberId,
      points: input.points,
      reason: input.reason,
      requestedBy: operatorId,
      requestedAt: now,
      needsApproval,
      state: 'pending',
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      entryId: null,
      refusal: null,
    }
    await insertOnce(this.m.Request, request as never)
    if (!needsApproval) return this.decide(request, 'approved', operatorId, null, now)
    return view(request)
  }

  /** A second operator's approval: the maker cannot approve their own request. */
  async approve(requestId: string, operatorId: string, now: Date): Promise<MemberRequestView> {
    const request = await this.request(requestId)
    if (request.requestedBy === operatorId)
      throw new DomainError('MEMBER_REQUEST.SELF_APPROVAL', 'the maker cannot approve their own request')
    // A request made before the account was erased is refused unposted; it can still be rejected.
    await this.deps.members.getUnerased(request.memberId)
    return this.decide(request, 'approved', operatorId, null, now)
  }

  async reject(requestId: string, reason: string, operatorId: string, now: Date): Promise<MemberRequestView> {
    return this.decide(await this.request(requestId), 'rejected', operatorId, reason, now)
  }

  /** Newest first; the queue of pending ones, or a member's. Finishes approvals a crash left unposted. */
  async list(filter: { state?: MemberRequestState; memberId?: string }, now: Date): Promise<MemberRequestView[]> {
    await this.sweep(now)
    const rows = await this.m.Request.find({
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.memberId ? { memberId: filter.memberId } : {}),
    })
      .sort({ requestedAt: -1 })
      .limit(200)
      .lean<MemberRequestDoc[]>()
      .exec()
    return rows.map(view)
  }

  /** Approvals whose poster did not finish (crash): posted now, keyed as before, so never twice. */
  async sweep(now: Date): Promise<number> {
    const rows = await unsettled<MemberRequestDecisionDoc>(this.m.Decision, now, SETTLE_GRACE_MS)
    for (const row of rows) {
      const request = await findById<MemberRequestDoc>(this.m.Request, row.requestId)
      if (request) await this.carryOut(request, row).catch(() => undefined)
    }
    return rows.length
  }

  async status(memberId: string): Promise<MemberStatusView> {
    await this.deps.members.get(memberId)
    const { length, last } = await this.freezes.read(memberId)
    return {
      memberId,
      frozen: length % 2 === 1,
      changedBy: last?.by ?? null,
      changedAt: last ? new Date(last.at).toISOString() : null,
      reason: last?.reason ?? null,
      approvalThreshold: this.deps.approvalThreshold,
    }
  }

  /** Freeze (`frozen` true) or unfreeze: the insert of the chain's next row, refused if it says the other. */
  async setFrozen(
    memberId: string,
    frozen: boolean,
    reason: string,
    operatorId: string,
    now: Date,
  ): Promise<MemberStatusView> {
    await this.deps.members.getUnerased(memberId)
    const { length } = await this.freezes.read(memberId)
    if ((length % 2 === 1) === frozen)
      throw new DomainError(frozen ? 'MEMBER.ALREADY_FROZEN' : 'MEMBER.NOT_FROZEN', 'member freeze state unchanged')
    const row: MemberFreezeDoc = {
      _id: freezeEventId(memberId, length + 1),
      memberId,
      action: frozen ? 'freeze' : 'unfreeze',
      by: operatorId,
      reason,
      at: now,
      settled: false,
    }
    const claimed = await this.freezes.claim(row)
    if (!claimed.won)
      throw new DomainError(frozen ? 'MEMBER.ALREADY_FROZEN' : 'MEMBER.NOT_FROZEN', 'changed by someone else')
    await this.writeFrozenCache(memberId)
    await markSettled(this.m.Freeze, row._id)
    return this.status(memberId)
  }

  /** The row's cache from the chain, written until it holds (a racing unfreeze may land in between). */
  private async writeFrozenCache(memberId: string): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const frozen = (await this.freezes.read(memberId)).length % 2 === 1
      await this.deps.members.setFrozen(memberId, frozen)
      if (((await this.freezes.read(memberId)).length % 2 === 1) === frozen) return
    }
  }

  private async request(requestId: string): Promise<MemberRequestDoc> {
    const request = await findById<MemberRequestDoc>(this.m.Request, requestId)
    if (!request) throw new DomainError('MEMBER_REQUEST.NOT_FOUND', 'no such request')
    return request
  }

  private async decide(
    request: MemberRequestDoc,
    decision: 'approved' | 'rejected',
    operatorId: string,
    reason: string | null,
    now: Date,
  ): Promise<MemberRequestView> {
    const row: MemberRequestDecisionDoc = {
      _id: decisionId(request._id),
      requestId: request._id,
      decision,
      by: operatorId,
      reason,
      at: now,
      settled: false,
    }
    const claimed = await claimTransition(this.m.Decision, row)
    if (!claimed.won) throw new DomainError('MEMBER_REQUEST.ALREADY_DECIDED', 'request already decided')
    return this.carryOut(request, row)
  }

  /** Posts an approved adjustment (or records the ledger's refusal), writes the request's cache, settles. */
  private async carryOut(request: MemberRequestDoc, row: MemberRequestDecisionDoc): Promise<MemberRequestView> {
    const set: Partial<MemberRequestDoc> = {
      decidedBy: row.by,
      decidedAt: row.at,
      decisionReason: row.reason,
      state: row.decision === 'rejected' ? 'rejected' : 'applied',
    }
    let refusal: DomainError | null = null
    if (row.decision === 'approved') {
      try {
        set.entryId = (await this.post(request, row)).entry._id
        await this.takeBackIfErased(request, row)
      } catch (err) {
        if (!(err instanceof DomainError)) throw err
        refusal = err
        set.state = 'refused'
        set.refusal = err.code
      }
    }
    await updateById(this.m.Request, request._id, { $set: set })
    await markSettled(this.m.Decision, row._id)
    if (refusal) throw refusal
    return view({ ...request, ...set })
  }

  /**
   * The member read before posting may predate an erasure that finished since, so the row is read again
   * after the posting: once it says erased, what is in the wallet (this posting) is forfeited under a key of
   * this request's, and the adjustment is refused. A posting before the erase job's closing sweep is
   * forfeited by that sweep; one after it meets `erasedAt` here, so no points stay in an erased wallet.
   */
  private async takeBackIfErased(request: MemberRequestDoc, row: MemberRequestDecisionDoc): Promise<void> {
    if (!(await this.deps.members.get(request.memberId)).erasedAt) return
    const key = `member-request:${request._id}:erased`
    await forfeitEveryLot(this.deps.ledger, request.memberId, key, new Date(row.at), '账号已注销，人工调整作废')
    throw new DomainError('MEMBER.ERASED', 'member account erased')
  }

  private async post(request: MemberRequestDoc, row: MemberRequestDecisionDoc) {
    const { earning } = await this.deps.rules.current()
    const at = new Date(row.at)
    return this.deps.ledger.post({
      memberId: request.memberId,
      eventKey: `member-request:${request._id}`,
      type: 'adjust',
      now: at,
      plan: () => ({
        op:
          request.points > 0
            ? {
                kind: 'credit',
                points: request.points,
                earnedMonth: shanghaiMonth(at),
                expiryMonths: earning.expiryMonths,
              }
            : { kind: 'debit', points: -request.points },
        meta: {
          reason: `人工调整：${request.reason}`,
          requestId: request._id,
          requestedBy: request.requestedBy,
          approvedBy: row.by,
        },
      }),
    })
  }
}

function view(r: MemberRequestDoc): MemberRequestView {
  return {
    requestId: r._id,
    kind: r.kind,
    memberId: r.memberId,
    points: r.points,
    reason: r.reason,
    requestedBy: r.requestedBy,
    requestedAt: new Date(r.requestedAt).toISOString(),
    needsApproval: r.needsApproval,
    state: r.state,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
    decisionReason: r.decisionReason,
    entryId: r.entryId,
    refusal: r.refusal,
  }
}
