import type { Connection, Model } from 'mongoose'
import { shanghaiDay, shanghaiHour, type PurchaseResult } from '@mall/shared'
import { findById, incrementById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import { anomalyFlags, REPEAT_MEMBER_THRESHOLD } from './anomaly-flags'
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
 * The keys of a till's totals for a Shanghai day: its cap leases (`<staff>:<day>:L<n>`, see
 * till-quota.ts) and one small row per member that staff member served that day (the repeat-member
 * count). The per-member counts live in rows of their own because a row's size is what an update costs
 * on the embedded database: in a shared day row they would grow it by a key per member served, and
 * every award of a busy till would get slower as its day went on (figures: docs/performance.md).
 */
function staffTotalKeys(
  staffId: string,
  memberId: string,
  now: Date,
): { dayKey: string; hourField: string; visitKey: string } {
  const hour = String(shanghaiHour(now)).padStart(2, '0')
  const dayKey = `${staffId}:${shanghaiDay(now)}`
  return { dayKey, hourField: `h${hour}`, visitKey: `${dayKey}:m${memberId}` }
}

/**
 * The till's channel of the earn pipeline: a staff member scanned the member's code and types the
 * receipt. The till's own checks come first (its daily and hourly caps, the per-receipt maximum, the
 * approval threshold, anomaly flags); then the purchase is recorded and posted like any other channel's.
 */
export class TillAwardService {
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
    if (!staff.storeId) throw new DomainError('AUTH.FORBIDDEN', 'only store staff record purchases')
    const { memberId, atScan } = scannedMember(this.tokens, staff, input.scanToken, now)
    const store = await this.purchases.store(staff.storeId)
    const { earning } = await this.rules.current()
    if (input.amountFen > earning.maxReceiptFen)
      throw new DomainError('PURCHASE.AMOUNT_TOO_LARGE', 'amount over the per-receipt cap')

    // A single receipt above a cap can never fit: refused before anything is written.
    if (input.amountFen > earning.staffDailyCapFen || input.amountFen > earning.staffHourlyCapFen) {
      throw new DomainError('PURCHASE.STAFF_CAP_REACHED', 'staff award cap reached')
    }
    const key = `${store._id}:${input.receiptNo}`
    const { dayKey, hourField, visitKey } = staffTotalKeys(staff.sub, memberId, now)
    // The till's caps are taken from first (see till-quota.ts: usually no round trip) and the member's
    // visit counted with them. Controls, not money invariants: a crash right here over-counts a receipt.
    const caps = { dailyCapFen: earning.staffDailyCapFen, hourlyCapFen: earning.staffHourlyCapFen }
    const [withinCaps, visits] = await Promise.all([
      this.tillQuota.take(staff.sub, dayKey, hourField, input.amountFen, caps),
      this.countVisit(visitKey),
    ])
    if (!withinCaps) {
      await this.uncountVisit(visitKey)
      // A retry of a receipt recorded before the till reached its cap still gets its original result.
      const recorded = await findById<PurchaseDoc>(this.purchases.Purchase, key)
      if (recorded) return this.resume(recorded, memberId, input.amountFen, now)
      throw new DomainError('PURCHASE.STAFF_CAP_REACHED', 'staff award cap reached')
    }
    const flags = anomalyFlags(store, input.amountFen, now)
    if (visits > REPEAT_MEMBER_THRESHOLD) flags.push('repeat_member')
    const needsApproval = staff.role === 'clerk' && input.amountFen >= earning.approvalThresholdFen
    const expectedPoints = needsApproval
      ? await this.purchases.expectedPoints(
          { memberId, storeId: store._id, amountFen: input.amountFen, createdAt: now },
          atScan,
        )
      : undefined
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
      this.tillQuota.giveBack(staff.sub, dayKey, hourField, input.amountFen)
      await this.uncountVisit(visitKey)
      if (recorded.outcome === 'linked') throw alreadyEarned(recorded.holder)
      return this.resume(recorded.purchase, memberId, input.amountFen, now)
    }
    const doc = recorded.purchase
    if (needsApproval) return this.purchases.view(doc, null)
    return this.purchases.post(doc, now, atScan)
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
