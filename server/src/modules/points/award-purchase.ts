import type { Connection, Model } from 'mongoose'
import { shanghaiDay, shanghaiHour, tillAnomalyFlags, type EarningRules, type PurchaseResult } from '@mall/shared'
import { findById, incrementById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import { alreadyEarned } from './purchase-record'
import { dailyTotalModel, type DailyTotalDoc, type PurchaseDoc } from './purchase.model'
import type { PurchaseService } from './purchase.service'
import { scannedMember } from './scan-token'
import { TillQuota } from './till-quota'

export interface AwardInput {
  scanToken: string
  receiptNo: string
  amountFen: number
  transactionId?: string
}

/**
 * Where a till's day is counted (rows in `daily_totals`): its cap leases (`<staff>:<day>:L<n>`, see
 * till-quota.ts) and one small row per member that staff member served that day (the repeat-member
 * count). The per-member counts live in rows of their own because a row's size is what an update costs
 * on the embedded database: in a shared day row they would grow it by a key per member served, and
 * every award of a busy till would get slower as its day went on (figures: docs/performance.md).
 */
interface TillDay {
  staffId: string
  dayKey: string
  hourField: string
  visitKey: string
}

function tillDay(staffId: string, memberId: string, now: Date): TillDay {
  const hour = String(shanghaiHour(now)).padStart(2, '0')
  const dayKey = `${staffId}:${shanghaiDay(now)}`
  return { staffId, dayKey, hourField: `h${hour}`, visitKey: `${dayKey}:m${memberId}` }
}

/**
 * The staff award, the till's channel of the one earn pipeline, as one story read top to bottom:
 * a staff member scanned the member's code and types the receipt.
 *
 *  1. the scan: this staff member scanned this member's live code, at this store (scan-token.ts)
 *  2. the store, open (stores/store-directory.ts), and the programme's rules in force
 *  3. the till's limits: the per-receipt maximum, the till's daily and hourly caps (till-quota.ts) with
 *     the member's visit counted beside them, the anomaly flags and the approval threshold (shared rules)
 *  4. the purchase recorded under each key it has (purchase-record.ts: the receipt, `purchase_keys`), so
 *     one purchase never earns twice, across channels; a repeated scan converges on the first result
 *  5. the posting, shared by every channel (PurchaseService.post): campaigns and their budget, the daily
 *     cap, the earning rule from shared/ deciding on the wallet's head, the ledger append, tier, listeners
 *  6. the answer: the purchase as posted, or held for a manager's approval
 */
export class AwardPurchase {
  private readonly DailyTotal: Model<DailyTotalDoc>
  private readonly tillQuota: TillQuota

  constructor(
    conn: Connection,
    private readonly purchases: PurchaseService,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
    private readonly tokens: TokenService,
  ) {
    this.DailyTotal = dailyTotalModel(conn)
    this.tillQuota = new TillQuota(this.DailyTotal)
  }

  async award(staff: StaffClaims, input: AwardInput, now: Date): Promise<PurchaseResult> {
    // 1. The scan proves the member was at this staff member's till.
    if (!staff.storeId) throw new DomainError('AUTH.FORBIDDEN', 'only store staff record purchases')
    const { memberId, atScan } = scannedMember(this.tokens, staff, input.scanToken, now)

    // 2. The store and the rules: read once, and handed to the posting.
    const store = await this.purchases.stores.active(staff.storeId)
    const rules = await this.rules.current()
    const { earning } = rules

    // 3. The till's limits. A receipt that can never fit is refused before anything is written.
    refuseOversizedReceipt(input.amountFen, earning)
    const key = `${store._id}:${input.receiptNo}`
    const till = tillDay(staff.sub, memberId, now)
    const visitsToday = await this.takeFromTill(till, input.amountFen, earning)
    if (visitsToday === null) {
      // A retry of a receipt recorded before the till reached its cap still gets its original result.
      const recorded = await findById<PurchaseDoc>(this.purchases.Purchase, key)
      if (recorded) return this.resume(recorded, memberId, input.amountFen, now)
      throw new DomainError('PURCHASE.STAFF_CAP_REACHED', 'staff award cap reached')
    }
    const flags = tillAnomalyFlags(
      { opensAt: store.opensAt, closesAt: store.closesAt, amountFen: input.amountFen, visitsToday },
      now,
    )
    const needsApproval = staff.role === 'clerk' && input.amountFen >= earning.approvalThresholdFen
    const expectedPoints = needsApproval
      ? await this.purchases.expectedPoints(
          { memberId, storeId: store._id, amountFen: input.amountFen, createdAt: now },
          { atScan, rules, store },
        )
      : undefined

    // 4. The purchase, recorded under each of its keys by unique inserts.
    const recorded = await this.purchases.recorder.record({
      channel: 'till',
      purchaseId: key,
      storeId: store._id,
      receiptNo: input.receiptNo,
      transactionId: input.transactionId,
      memberId,
      amountFen: input.amountFen,
      at: now,
      by: staff.sub,
      flags,
      status: needsApproval ? 'pending_approval' : 'posting',
      expectedPoints,
    })
    if (recorded.outcome !== 'recorded') {
      // Recorded before (a retry, or a concurrent scan of the same receipt won), or paid for through
      // another channel: this scan counted it a second time, so take that back, then converge on the
      // recorded result (or refuse: the other channel earned it).
      await this.giveBackToTill(till, input.amountFen)
      if (recorded.outcome === 'linked') throw alreadyEarned(recorded.holder)
      return this.resume(recorded.purchase, memberId, input.amountFen, now)
    }

    // 5 and 6. Posted by the pipeline every channel shares, or held for a manager.
    if (needsApproval) return this.purchases.view(recorded.purchase, null)
    return this.purchases.post(recorded.purchase, now, { atScan, rules, store })
  }

  /**
   * Takes the receipt from the till's caps (see till-quota.ts: usually no round trip) and counts the
   * member's visit with it: the member's visits today, or null when the caps are reached (nothing
   * kept). Controls, not money invariants: a crash right after this over-counts a receipt.
   */
  private async takeFromTill(till: TillDay, amountFen: number, earning: EarningRules): Promise<number | null> {
    const caps = { dailyCapFen: earning.staffDailyCapFen, hourlyCapFen: earning.staffHourlyCapFen }
    const [withinCaps, visits] = await Promise.all([
      this.tillQuota.take(till.staffId, till.dayKey, till.hourField, amountFen, caps),
      this.countVisit(till.visitKey),
    ])
    if (withinCaps) return visits
    await this.uncountVisit(till.visitKey)
    return null
  }

  /** A receipt recorded before: this scan's amount goes back to the till's lease and its visit is taken back. */
  private async giveBackToTill(till: TillDay, amountFen: number): Promise<void> {
    this.tillQuota.giveBack(till.staffId, till.dayKey, till.hourField, amountFen)
    await this.uncountVisit(till.visitKey)
  }

  /**
   * The member's purchases at this till today, this one included. The first is an insert (the usual
   * case, and grouped with other inserts); only a returning member costs an increment.
   */
  private async countVisit(visitKey: string): Promise<number> {
    if (await insertOnce(this.DailyTotal, { _id: visitKey, amountFen: 0, count: 1 })) return 1
    return (await incrementById<DailyTotalDoc>(this.DailyTotal, visitKey, { count: 1 }))?.count ?? 1
  }

  /** Takes back a refused receipt's visit; the row goes again if that visit created it. */
  private async uncountVisit(visitKey: string): Promise<void> {
    const after = await incrementById<DailyTotalDoc>(this.DailyTotal, visitKey, { count: -1 })
    if (!after || after.count <= 0) await this.DailyTotal.collection.deleteOne({ _id: visitKey } as never)
  }

  /** A repeated scan of a receipt: same member and amount → the original result; else refuse. */
  private async resume(existing: PurchaseDoc, memberId: string, amountFen: number, now: Date): Promise<PurchaseResult> {
    if (existing.memberId !== memberId || existing.amountFen !== amountFen) {
      throw new DomainError('PURCHASE.RECEIPT_USED', 'receipt already recorded with another member or amount')
    }
    const repeat = { action: 'award' as const, by: existing.staffId, at: new Date(existing.createdAt).toISOString() }
    // finish a crashed or concurrent posting
    if (existing.status === 'posting') return { ...(await this.purchases.post(existing, now)), repeat }
    const { purchase } = await this.purchases.status.load(existing._id)
    return {
      ...this.purchases.view(purchase, purchase.entryId ? await this.ledger.entry(purchase.entryId) : null),
      repeat,
    }
  }
}

/** Over the per-receipt maximum, or over a till cap on its own: no till could ever take it. */
function refuseOversizedReceipt(amountFen: number, earning: EarningRules): void {
  if (amountFen > earning.maxReceiptFen)
    throw new DomainError('PURCHASE.AMOUNT_TOO_LARGE', 'amount over the per-receipt cap')
  if (amountFen > earning.staffDailyCapFen || amountFen > earning.staffHourlyCapFen) {
    throw new DomainError('PURCHASE.STAFF_CAP_REACHED', 'staff award cap reached')
  }
}
