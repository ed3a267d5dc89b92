import type { PurchaseResult } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims } from '../auth/tokens'
import { storeInScope } from '../staff/store-scope'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import type { PurchaseDoc, PurchaseTransitionDoc } from './purchase.model'
import type { PurchaseService } from './purchase.service'
import { decisionId, repeatOf, reversalId, type PurchaseState, type PurchaseStatusStore } from './purchase-status'

type Outcome = PurchaseTransitionDoc['outcome']

/**
 * What happens to a purchase after it was recorded: manager approval, undo and refund. Each is a
 * transition row claimed by a unique insert (purchase-status.ts): of an approval, a rejection and an
 * undo racing for one held receipt exactly one wins, and the others get PURCHASE.ALREADY_DECIDED.
 */
export class PurchaseReviewService {
  private readonly status: PurchaseStatusStore

  constructor(
    private readonly purchases: PurchaseService,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
  ) {
    this.status = purchases.status
  }

  async decide(
    staff: StaffClaims,
    storeId: string | undefined,
    receiptNo: string,
    approve: boolean,
    now: Date,
  ): Promise<PurchaseResult> {
    if (staff.role === 'clerk') throw new DomainError('AUTH.FORBIDDEN', 'only managers approve large awards')
    const state = await this.status.load(`${storeInScope(staff, storeId)}:${receiptNo}`)
    if (!state.decision && state.purchase.status !== 'pending_approval') {
      throw new DomainError('PURCHASE.NOT_PENDING', 'purchase is not waiting for approval')
    }
    return this.transition(staff, state, state.decision, approve ? 'approved' : 'rejected', null, now)
  }

  /**
   * A held receipt of a self-service channel (a receipt photo) decided by a desk reviewer, or its approval
   * undone: the same transition rows, posting and reversal as a till's held receipt, without the till's
   * store scope. An approval may post another amount than was entered (`amountFen`, kept on its row).
   */
  async review(
    by: string,
    purchaseId: string,
    action: 'approve' | 'reject' | 'undo',
    now: Date,
    extras: { amountFen?: number; note?: string } = {},
  ): Promise<{ result: PurchaseResult; row: PurchaseTransitionDoc }> {
    const reviewer: StaffClaims = { sub: by, role: 'operator', storeId: null }
    let state = await this.status.load(purchaseId)
    if (action === 'undo') {
      if (state.decision?.outcome !== 'approved')
        throw new DomainError('RECEIPT_PHOTO.NOT_UNDOABLE', 'only an approved receipt can be undone')
      // An approval whose writer died before posting is finished first (idempotent): the undo reverses a posting.
      if (!state.purchase.entryId) {
        await this.apply(state.purchase, state.decision, now)
        state = await this.status.load(purchaseId)
      }
      const result = await this.transition(reviewer, state, state.reversal, 'reversed', 'undo', now)
      return { result, row: (await this.status.load(purchaseId)).reversal! }
    }
    if (!state.decision && state.purchase.status !== 'pending_approval')
      throw new DomainError('PURCHASE.NOT_PENDING', 'purchase is not waiting for approval')
    const outcome = action === 'approve' ? 'approved' : 'rejected'
    const result = await this.transition(reviewer, state, state.decision, outcome, null, now, extras)
    return { result, row: (await this.status.load(purchaseId)).decision! }
  }

  /**
   * Reverses a purchase. A held one is rejected (its decision); a posted one has its points clawed
   * back and qualifying spend removed by one entry keyed to the purchase. The clerk who recorded it
   * may undo within the window; afterwards (and for refunds) a manager of the store or an operator.
   */
  async reverse(
    staff: StaffClaims,
    storeId: string | undefined,
    receiptNo: string,
    reason: 'undo' | 'refund',
    now: Date,
  ): Promise<PurchaseResult> {
    const state = await this.status.load(`${storeInScope(staff, storeId)}:${receiptNo}`)
    const { purchase } = state
    if (purchase.status === 'pending_approval' || state.decision?.outcome === 'rejected') {
      return this.transition(staff, state, state.decision, 'rejected', reason, now)
    }
    // A receipt a manager approved is the manager's to reverse: a clerk's undo of it lost the race.
    if (state.decision?.outcome === 'approved' && staff.role === 'clerk') throw alreadyDecided(state.decision)
    if (!state.reversal) {
      if (purchase.status !== 'posted')
        throw new DomainError('PURCHASE.NOT_REVERSIBLE', `purchase is ${purchase.status}`)
      const { earning } = await this.rules.current()
      const withinWindow =
        now.getTime() - new Date(purchase.postedAt ?? purchase.createdAt).getTime() <=
        earning.undoWindowMinutes * 60_000
      if (staff.role === 'clerk' && !(staff.sub === purchase.staffId && withinWindow)) {
        throw new DomainError(
          staff.sub === purchase.staffId ? 'PURCHASE.UNDO_WINDOW_PASSED' : 'AUTH.FORBIDDEN',
          'a manager must reverse this purchase',
        )
      }
    }
    return this.transition(staff, state, state.reversal, 'reversed', reason, now)
  }

  /** Finishes transitions whose writer crashed after claiming them (the status cache, the posting). */
  async sweep(now: Date, graceMs?: number): Promise<number> {
    const rows = await this.status.unsettled(now, graceMs)
    for (const row of rows) {
      const state = await this.status.load(row.subject)
      await this.apply(state.purchase, row, now).catch((err) => {
        if (!(err instanceof DomainError)) throw err // a refused reversal released its row
      })
    }
    return rows.length
  }

  /**
   * Claims `outcome` for the receipt unless a row already decided it (`existing`). The winner applies
   * it. A loser repeating the winner's own request (same staff, same outcome) gets the original result
   * marked as a repeat; any other loser is refused with what was decided, by whom and when.
   */
  private async transition(
    staff: StaffClaims,
    state: PurchaseState,
    existing: PurchaseTransitionDoc | null,
    outcome: Outcome,
    reason: PurchaseTransitionDoc['reason'],
    now: Date,
    extras: Pick<PurchaseTransitionDoc, 'amountFen' | 'note'> = {},
  ): Promise<PurchaseResult> {
    const id = state.purchase._id
    const row: PurchaseTransitionDoc = {
      _id: outcome === 'reversed' ? reversalId(id) : decisionId(id),
      subject: id,
      outcome,
      by: staff.sub,
      reason,
      at: now,
      settled: false,
      ...extras,
    }
    const claimed = existing ? { won: false as const, row: existing } : await this.status.claim(row)
    if (claimed.won) return this.apply(state.purchase, row, now)
    const winner = claimed.row
    if (winner.by !== staff.sub || winner.outcome !== outcome || winner.reason !== reason) throw alreadyDecided(winner)
    const latest = await this.status.load(id)
    return { ...(await this.apply(latest.purchase, winner, now)), repeat: repeatOf(winner) }
  }

  /** Carries out a claimed transition; idempotent, so a repeat or the sweeper may run it again. */
  private async apply(purchase: PurchaseDoc, row: PurchaseTransitionDoc, now: Date): Promise<PurchaseResult> {
    let result: PurchaseResult
    if (row.outcome === 'rejected') {
      const by = row.reason ? { reversedBy: row.by, reversalReason: row.reason } : { approvedBy: row.by }
      await this.status.cache(purchase._id, { status: 'rejected', ...by })
      result = this.purchases.view({ ...purchase, status: 'rejected', ...by }, null)
    } else if (row.outcome === 'approved') {
      if (purchase.entryId) {
        result = this.purchases.view(purchase, await this.ledger.entry(purchase.entryId))
      } else {
        // A reviewer's amount is the purchase's from now on (kept on the row, so the sweeper posts it too).
        const amountFen = row.amountFen ?? purchase.amountFen
        await this.status.cache(purchase._id, { status: 'posting', approvedBy: row.by, amountFen })
        result = await this.purchases.post({ ...purchase, status: 'posting', approvedBy: row.by, amountFen }, now)
      }
    } else {
      result = await this.applyReversal(purchase, row, now)
    }
    await this.status.settled(row)
    return result
  }

  private async applyReversal(purchase: PurchaseDoc, row: PurchaseTransitionDoc, now: Date): Promise<PurchaseResult> {
    const { earning } = await this.rules.current()
    const original = purchase.entryId ? await this.ledger.entry(purchase.entryId) : null
    if (!original) throw new DomainError('PURCHASE.NOT_REVERSIBLE', 'purchase has no posting')
    const points = original.delta
    let entry
    try {
      ;({ entry } = await this.ledger.post({
        memberId: purchase.memberId,
        eventKey: `reversal:purchase:${purchase._id}`,
        type: 'reversal',
        now: row.at,
        plan: (state) => {
          if (points > 0 && earning.negativeBalancePolicy === 'reject' && state.balance < points) {
            throw new DomainError('POINTS.ALREADY_SPENT', 'the member already spent these points')
          }
          return {
            op: points > 0 ? { kind: 'clawback', points } : { kind: 'none' },
            growth: { spendFen: { month: original.growth.spendFen?.month ?? '', amount: -purchase.amountFen } },
            meta: {
              storeId: purchase.storeId,
              storeName: original.meta.storeName,
              receiptNo: purchase.receiptNo,
              amountFen: -purchase.amountFen,
              staffId: row.by,
              reversalOf: original._id,
              reason: row.reason === 'undo' ? '撤销积分' : '退货扣回积分',
            },
          }
        },
      }))
    } catch (err) {
      if (err instanceof DomainError) await this.status.release(row) // refused: the receipt stays posted
      throw err
    }
    const by = { reversedBy: row.by, reversalReason: row.reason }
    await this.status.fact({ ...purchase, points }, 'reversed', now)
    await this.status.cache(purchase._id, { status: 'reversed', ...by })
    for (const listener of this.purchases.listeners.reversed) await listener(purchase.memberId, purchase._id, now)
    return this.purchases.view({ ...purchase, status: 'reversed', ...by }, entry)
  }
}

function alreadyDecided(row: PurchaseTransitionDoc): DomainError {
  return new DomainError('PURCHASE.ALREADY_DECIDED', `purchase was ${row.outcome} meanwhile`, {
    outcome: row.outcome,
    by: row.by,
    at: new Date(row.at).toISOString(),
  })
}
