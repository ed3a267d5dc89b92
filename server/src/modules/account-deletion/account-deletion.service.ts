import type { Connection } from 'mongoose'
import {
  ACCOUNT_DELETION_COOLING_OFF_DAYS,
  ACCOUNT_DELETION_STATE_LABELS,
  deletionDueAt,
  deletionNotice,
  isDeletionDue,
  type AccountDeletionState,
  type AccountDeletionStatus,
  type MemberDeletionView,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { claimTransition, markSettled, TransitionChain } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import { AccountErasure, type ErasureDeps } from './account-erasure'
import {
  accountDeletionModels,
  deletionDecisionId,
  deletionRequestId,
  type AccountDeletionModels,
  type DeletionDecisionDoc,
  type DeletionRequestDoc,
} from './account-deletion.model'
import { ErasedMembers } from './erased-members'

interface Current {
  request: DeletionRequestDoc | null
  decision: DeletionDecisionDoc | null
}

/**
 * 注销账号 (docs/privacy.md). A request is the insert of the member's next `<member>:deletion:<n>`; during
 * the cooling-off the member's cancel and, after it, the job's erase race for the one insert of
 * `<member>:deletion:<n>:decision`. The erase steps (account-erasure.ts) are each repeatable, so an erasure
 * a crash cut short is finished by the next run of the job (the decision stays unsettled until then).
 */
export class AccountDeletionService {
  private readonly m: AccountDeletionModels
  private readonly requests: TransitionChain<DeletionRequestDoc>
  private readonly erasure: AccountErasure
  /** members whose tokens are refused (TokenService asks it) */
  readonly erased: ErasedMembers

  constructor(
    conn: Connection,
    private readonly deps: ErasureDeps,
  ) {
    this.m = accountDeletionModels(conn)
    this.requests = new TransitionChain(this.m.Request, deletionRequestId)
    this.erasure = new AccountErasure(conn, this.m, deps)
    this.erased = new ErasedMembers(this.m.Decision)
  }

  /** What the member sees: the state, the banner's day, and what deleting would take away now. */
  async status(memberId: string, now: Date): Promise<AccountDeletionStatus> {
    const [card, activeCoupons, current] = await Promise.all([
      this.deps.members.card(memberId),
      this.erasure.activeCoupons(memberId, now),
      this.current(memberId),
    ])
    const state = stateOf(current)
    return {
      state,
      requestedAt: state === 'none' ? null : iso(current.request!.at),
      dueAt: state === 'none' ? null : iso(current.request!.dueAt),
      notice: state === 'pending' ? deletionNotice(new Date(current.request!.dueAt)) : null,
      coolingOffDays: ACCOUNT_DELETION_COOLING_OFF_DAYS,
      losses: { pointsBalance: card.pointsBalance, activeCoupons, tierName: card.tier.name },
    }
  }

  /** Asks for deletion; asking again while one is pending answers with that one (of racing asks, one inserts). */
  async request(memberId: string, now: Date): Promise<AccountDeletionStatus> {
    await this.deps.members.get(memberId)
    const { length, last } = await this.requests.read(memberId)
    const open = last && !(await this.decisionOf(last._id))
    if (!open) {
      await this.requests.claim({
        _id: deletionRequestId(memberId, length + 1),
        memberId,
        n: length + 1,
        at: now,
        dueAt: deletionDueAt(now),
        closed: false,
        settled: true,
      })
    }
    return this.status(memberId, now)
  }

  /** Takes the pending request back: the insert of its decision as cancelled, unless the erase won it. */
  async cancel(memberId: string, now: Date): Promise<AccountDeletionStatus> {
    const { last } = await this.requests.read(memberId)
    if (!last) throw new DomainError('ACCOUNT_DELETION.NOT_PENDING', 'no deletion request to cancel')
    const claimed = await claimTransition<DeletionDecisionDoc>(this.m.Decision, {
      _id: deletionDecisionId(last._id),
      memberId,
      requestId: last._id,
      outcome: 'cancelled',
      at: now,
      settled: true,
    })
    if (claimed.row.outcome === 'erased')
      throw new DomainError('ACCOUNT_DELETION.NOT_PENDING', 'the account has been erased')
    await this.close(last._id)
    return this.status(memberId, now)
  }

  /**
   * The job: every request past its cooling-off is decided as erased (unless cancelled first) and its
   * steps run; erasures a crash left unsettled are run again. Closed requests are skipped.
   */
  async eraseDue(now: Date): Promise<{ erased: number }> {
    const open = await this.m.Request.find({ closed: false }).lean<DeletionRequestDoc[]>().exec()
    let erased = 0
    for (const request of open) {
      if (!isDeletionDue(new Date(request.dueAt), now)) continue
      const { row: decision } = await claimTransition<DeletionDecisionDoc>(this.m.Decision, {
        _id: deletionDecisionId(request._id),
        memberId: request.memberId,
        requestId: request._id,
        outcome: 'erased',
        at: now,
        settled: false,
      })
      if (decision.outcome === 'erased') {
        this.erased.add(request.memberId)
        if (!decision.settled) {
          await this.erasure.run(request.memberId, request._id, new Date(decision.at))
          await markSettled(this.m.Decision, decision._id)
          erased++
        }
      }
      await this.close(request._id)
    }
    return { erased }
  }

  /** The console's view of a member's deletion (注销中 / 已注销). */
  async memberView(memberId: string): Promise<MemberDeletionView> {
    await this.deps.members.get(memberId)
    const current = await this.current(memberId)
    const state = stateOf(current)
    return {
      memberId,
      state,
      label: ACCOUNT_DELETION_STATE_LABELS[state],
      requestedAt: state === 'none' ? null : iso(current.request!.at),
      dueAt: state === 'none' ? null : iso(current.request!.dueAt),
      erasedAt: state === 'erased' ? iso(current.decision!.at) : null,
    }
  }

  /** The deletion state of each of a page of members, for the console's member list (reads by `_id` only). */
  async statesOf(memberIds: string[]): Promise<Map<string, AccountDeletionState>> {
    const states = await Promise.all(memberIds.map(async (id) => stateOf(await this.current(id))))
    return new Map(memberIds.map((id, i) => [id, states[i]!]))
  }

  private async current(memberId: string): Promise<Current> {
    const { last } = await this.requests.read(memberId)
    return { request: last, decision: last ? await this.decisionOf(last._id) : null }
  }

  private decisionOf(requestId: string): Promise<DeletionDecisionDoc | null> {
    return findById<DeletionDecisionDoc>(this.m.Decision, deletionDecisionId(requestId))
  }

  private async close(requestId: string): Promise<void> {
    await updateById(this.m.Request, requestId, { $set: { closed: true } })
  }
}

function stateOf({ request, decision }: Current): AccountDeletionState {
  if (!request || decision?.outcome === 'cancelled') return 'none'
  return decision?.outcome === 'erased' ? 'erased' : 'pending'
}

const iso = (at: Date) => new Date(at).toISOString()
