import type { PurchaseResult } from '@mall/shared'
import { DomainError } from '../../http/domain-error'
import type { StaffClaims } from '../auth/tokens'
import { storeInScope } from '../staff/store-scope'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from './program-rules'
import type { PurchaseDoc } from './purchase.model'
import type { PurchaseService } from './purchase.service'

/** What happens to a purchase after it was recorded: manager approval, undo and refund. */
export class PurchaseReviewService {
  constructor(
    private readonly purchases: PurchaseService,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
  ) {}

  async decide(staff: StaffClaims, storeId: string | undefined, receiptNo: string, approve: boolean, now: Date): Promise<PurchaseResult> {
    if (staff.role === 'clerk') throw new DomainError('AUTH.FORBIDDEN', 'only managers approve large awards')
    const purchase = await this.purchases.find(storeInScope(staff, storeId), receiptNo)
    if (purchase.status !== 'pending_approval') throw new DomainError('PURCHASE.NOT_PENDING', 'purchase is not waiting for approval')
    if (!approve) {
      await this.purchases.setStatus(purchase._id, 'pending_approval', { status: 'rejected', approvedBy: staff.sub })
      return this.purchases.view({ ...purchase, status: 'rejected' }, null)
    }
    await this.purchases.setStatus(purchase._id, 'pending_approval', { status: 'posting', approvedBy: staff.sub })
    return this.purchases.post({ ...purchase, status: 'posting', approvedBy: staff.sub }, now)
  }

  /**
   * Reverses a posted purchase: points clawed back and qualifying spend removed by one entry keyed
   * to the purchase, so it can happen once. The clerk who recorded it may undo within the window;
   * afterwards (and for refunds) a manager of the store or an operator.
   */
  async reverse(staff: StaffClaims, storeId: string | undefined, receiptNo: string, reason: 'undo' | 'refund', now: Date): Promise<PurchaseResult> {
    const purchase = await this.purchases.find(storeInScope(staff, storeId), receiptNo)
    const { earning } = await this.rules.current()
    if (purchase.status === 'pending_approval') {
      await this.purchases.setStatus(purchase._id, 'pending_approval', { status: 'rejected', reversedBy: staff.sub, reversalReason: reason })
      return this.purchases.view({ ...purchase, status: 'rejected' }, null)
    }
    if (purchase.status !== 'posted' && purchase.status !== 'reversed') throw new DomainError('PURCHASE.NOT_REVERSIBLE', `purchase is ${purchase.status}`)
    const withinWindow = now.getTime() - new Date(purchase.postedAt ?? purchase.createdAt).getTime() <= earning.undoWindowMinutes * 60_000
    const ownUndo = staff.sub === purchase.staffId && withinWindow
    if (!ownUndo && staff.role === 'clerk') {
      throw new DomainError(staff.sub === purchase.staffId ? 'PURCHASE.UNDO_WINDOW_PASSED' : 'AUTH.FORBIDDEN', 'a manager must reverse this purchase')
    }
    const original = purchase.entryId ? await this.ledger.entry(purchase.entryId) : null
    if (!original) throw new DomainError('PURCHASE.NOT_REVERSIBLE', 'purchase has no posting')
    const points = original.delta
    const { entry } = await this.ledger.post({
      memberId: purchase.memberId,
      eventKey: `reversal:purchase:${purchase._id}`,
      type: 'reversal',
      now,
      plan: (state) => {
        if (points > 0 && earning.negativeBalancePolicy === 'reject' && state.balance < points) {
          throw new DomainError('POINTS.ALREADY_SPENT', 'the member already spent these points')
        }
        return {
          op: points > 0 ? { kind: 'clawback', points } : { kind: 'none' },
          growth: { spendFen: { month: (original.growth.spendFen?.month ?? ''), amount: -purchase.amountFen } },
          meta: { storeId: purchase.storeId, storeName: original.meta.storeName, receiptNo: purchase.receiptNo, amountFen: -purchase.amountFen,
            staffId: staff.sub, reversalOf: original._id, reason: reason === 'undo' ? '撤销积分' : '退货扣回积分' },
        }
      },
    })
    await this.purchases.setStatus(purchase._id, 'posted', { status: 'reversed', reversedBy: staff.sub, reversalReason: reason })
    for (const listener of this.purchases.listeners.reversed) await listener(purchase.memberId, purchase._id, now)
    return this.purchases.view({ ...purchase, status: 'reversed' } as PurchaseDoc, entry)
  }
}
