import { trusted, type Connection, type Model } from 'mongoose'
import {
  applyOperation,
  growthValue,
  purchasePoints,
  shanghaiMonth,
  tierByLevel,
  upgradedLevel,
  type PurchaseResult,
  type WalletOperation,
} from '@mall/shared'
import { updateById } from '../../db/by-id'
import { PurchaseRecorder, type RecordPurchaseInput } from './purchase-record'
import type { LedgerService, WalletHead } from '../ledger/ledger.service'
import type { LedgerEntryDoc } from '../ledger/ledger.model'
import type { MemberService } from '../members/member.service'
import type { StoreDoc } from '../stores/store.model'
import { StoreDirectory } from '../stores/store-directory'
import type { ProgramRules, Rules } from '../rules/program-rules'
import type { PointsCampaignService } from '../campaigns/points-campaign.service'
import type { PurchaseDoc } from './purchase.model'
import { PurchaseStatusStore } from './purchase-status'
import { DailyEarningCap } from './daily-earning-cap'

/** Staff record a purchase for a scanned member; the ledger posting is keyed to the receipt. */
export type PurchaseListener = (memberId: string, purchaseId: string, now: Date) => Promise<void>
/** A posted purchase, with whether someone invited its member (attribution is fixed at registration). */
export type PurchasePostedListener = (
  memberId: string,
  purchaseId: string,
  now: Date,
  invited: boolean,
) => Promise<void>

/** A purchase reported by a channel: posted now, a repeat of one recorded before, or linked to another channel's. */
export type RecordedPurchase =
  | { outcome: 'posted' | 'repeat'; result: PurchaseResult }
  | { outcome: 'linked'; purchase: PurchaseDoc | null; channel: string }

/** What a purchase needs of its member: the tier it earns at, and whether someone invited the member. */
export interface EarningMember {
  tierLevel: number
  invited: boolean
}

/** What a scan showed of the member: how it earns, and the wallet's head then (if the token carries it). */
export interface MemberAtScan extends EarningMember {
  head?: WalletHead
}

/**
 * What a channel already holds when it posts (a till award read all three to check the receipt): the
 * posting decides by the same rules snapshot and store, and earns at the tier the scan showed. What is
 * missing (approvals, sweeps, other channels) is read here.
 */
export interface HeldAtPosting {
  atScan?: MemberAtScan
  rules?: Rules
  store?: StoreDoc
}

export class PurchaseService {
  /** Features that react to verified purchases and their reversal (referral rewards). Each is idempotent. */
  readonly listeners: { posted: PurchasePostedListener[]; reversed: PurchaseListener[] } = { posted: [], reversed: [] }
  /** Receipts with their transition rows (approval, rejection, reversal) and the status cache. */
  readonly status: PurchaseStatusStore
  readonly Purchase: Model<PurchaseDoc>
  /** the stores every channel records purchases at (active, cached) */
  readonly stores: StoreDirectory
  private readonly dailyCap: DailyEarningCap
  /** records a purchase under each key it has (receipt, WeChat transaction): the one earn pipeline's entry */
  readonly recorder: PurchaseRecorder

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
    private readonly pointsCampaigns: PointsCampaignService,
  ) {
    this.status = new PurchaseStatusStore(conn)
    this.Purchase = this.status.Purchase
    this.recorder = new PurchaseRecorder(conn)
    this.dailyCap = new DailyEarningCap(conn)
    this.stores = new StoreDirectory(conn)
  }

  /**
   * The channel-neutral entry of the earn pipeline (WeChat Pay 智慧商圈 and later channels): records the
   * purchase under its keys and posts it through `post()`, by the rules a till award follows after its
   * till checks. A repeat converges on the recorded result; a purchase another channel reported first
   * comes back `linked` with that channel's purchase, and earns nothing here.
   */
  async recordPurchase(input: RecordPurchaseInput, now: Date): Promise<RecordedPurchase> {
    const recorded = await this.recorder.record(input)
    if (recorded.outcome === 'linked') {
      const { purchase, holder } = recorded
      // The first channel's posting may have been cut short (or its row just written from its key): finish it.
      if (purchase?.status !== 'posting') return { outcome: 'linked', purchase, channel: holder.channel }
      const { points } = await this.post(purchase, now)
      return { outcome: 'linked', purchase: { ...purchase, status: 'posted', points }, channel: holder.channel }
    }
    const { purchase } = recorded
    if (recorded.outcome === 'recorded' || purchase.status === 'posting') {
      return { outcome: recorded.outcome === 'recorded' ? 'posted' : 'repeat', result: await this.post(purchase, now) }
    }
    const state = await this.status.load(purchase._id)
    const entry = state.purchase.entryId ? await this.ledger.entry(state.purchase.entryId) : null
    return { outcome: 'repeat', result: this.view(state.purchase, entry) }
  }

  /**
   * The points a purchase would earn now by the same rules as its posting (a held receipt shows them to the
   * clerk and the approving manager). An estimate: a budgeted campaign's bonus and the daily cap are only
   * reserved when it posts.
   */
  async expectedPoints(
    purchase: Pick<PurchaseDoc, 'memberId' | 'storeId' | 'amountFen' | 'createdAt'>,
    held: HeldAtPosting = {},
  ): Promise<number> {
    const { atScan } = held
    const { earning, tiers } = held.rules ?? (await this.rules.current())
    const [member, store] = await Promise.all([
      atScan ?? this.members.getForDisplay(purchase.memberId).then((m) => ({ tierLevel: m.tierLevel })),
      held.store ?? this.stores.active(purchase.storeId),
    ])
    const stoppedCampaignIds = await this.pointsCampaigns.stopped(earning.campaigns, purchase.createdAt)
    return purchasePoints(earning, {
      amountFen: purchase.amountFen,
      tierMultiplierPermille: tierByLevel(tiers, member.tierLevel).multiplierPermille,
      storeId: store._id,
      storeMultiplierPermille: store.multiplierPermille,
      storeCategory: store.category,
      now: purchase.createdAt,
      earnedToday: 0,
      balance: atScan?.head?.state.balance ?? 0,
      stoppedCampaignIds,
    }).points
  }

  /**
   * The posting every channel shares, in order: the rules, the member and the store (what the channel
   * holds, else read: a purchase earns at the tier the staff member's scan showed, minutes old at most;
   * approvals and sweeps read the member's row); the campaigns and their budget; the member's daily cap;
   * the ledger append (idempotent by `purchase:<id>`), whose plan runs the earning rule from shared/ on the
   * wallet's head; then the tier upgrade, the receipt's status and the `posted` listeners.
   */
  async post(purchase: PurchaseDoc, now: Date, held: HeldAtPosting = {}): Promise<PurchaseResult> {
    const { atScan } = held
    const { earning, tiers } = held.rules ?? (await this.rules.current())
    const [member, store] = await Promise.all([
      atScan ??
        this.members
          .getForDisplay(purchase.memberId)
          .then((m): EarningMember => ({ tierLevel: m.tierLevel, invited: m.source.inviterId !== null })),
      held.store ?? this.stores.active(purchase.storeId),
    ])
    const tier = tierByLevel(tiers, member.tierLevel)
    const month = shanghaiMonth(purchase.createdAt)
    const factorsInput = {
      amountFen: purchase.amountFen,
      tierMultiplierPermille: tier.multiplierPermille,
      storeId: store._id,
      storeMultiplierPermille: store.multiplierPermille,
      storeCategory: store.category,
      now: purchase.createdAt,
    }
    // Campaigns: the ones stopped, and a budgeted double-points day's bonus reserved before the posting.
    const campaigns = await this.pointsCampaigns.forPurchase(earning, factorsInput, purchase._id, now)
    const cappedInput = { ...factorsInput, ...campaigns }
    const earningInput = {
      ...cappedInput,
      earnedToday: await this.dailyCap.earnedToday(purchase, earning, cappedInput, now),
    }
    const { entry, replayed } = await this.ledger.post({
      memberId: purchase.memberId,
      eventKey: `purchase:${purchase._id}`,
      type: 'earn',
      now,
      handedHead: atScan?.head,
      plan: (state) => {
        const earned = purchasePoints(earning, { ...earningInput, balance: state.balance })
        const op: WalletOperation =
          earned.points > 0
            ? { kind: 'credit', points: earned.points, earnedMonth: month, expiryMonths: earning.expiryMonths }
            : { kind: 'none' }
        const growth = { spendFen: { month, amount: purchase.amountFen } }
        const after = applyOperation(state, op, growth).state
        const tierLevelAfter = upgradedLevel(tiers, member.tierLevel, growthValue(after, now))
        const tierAfter = tierByLevel(tiers, tierLevelAfter)
        return {
          op,
          growth,
          meta: {
            channel: purchase.channel,
            storeId: store._id,
            storeName: store.name,
            receiptNo: purchase.receiptNo,
            amountFen: purchase.amountFen,
            staffId: purchase.staffId,
            breakdown: earned.breakdown,
            tierLevelBefore: member.tierLevel,
            tierLevelAfter,
            tierAfter: { level: tierAfter.level, name: tierAfter.name },
            rulesVersion: earning.version,
            reason: '消费积分',
          },
        }
      },
    })
    const tierLevelAfter = Number(entry.meta.tierLevelAfter ?? member.tierLevel)
    const points = entry.delta
    // The entry is posted; what follows are independent consequences of it, written in one round trip.
    await Promise.all([
      tierLevelAfter > member.tierLevel ? this.members.raiseTier(purchase.memberId, tierLevelAfter) : null,
      // By `_id` alone: posting → posted is the only transition possible here (a reversal needs 'posted').
      this.status.fact({ ...purchase, points }, 'posted', now).then(() =>
        updateById(this.Purchase, purchase._id, {
          $set: { status: 'posted', entryId: entry._id, points, postedAt: entry.createdAt },
        }),
      ),
      ...this.listeners.posted.map((listener) => listener(purchase.memberId, purchase._id, now, member.invited)),
    ])
    // A replayed posting can land after the receipt was reversed: its rows put the cache right.
    const status = replayed ? (await this.status.load(purchase._id)).purchase.status : 'posted'
    return this.view({ ...purchase, status, entryId: entry._id, points }, entry)
  }

  /** Finishes postings a crash left in 'posting' (the client may never retry). Idempotent by the purchase key. */
  async sweep(now: Date, graceMs = 30_000): Promise<number> {
    const stuck = await this.Purchase.find({
      status: 'posting',
      createdAt: trusted({ $lt: new Date(now.getTime() - graceMs) }),
    })
      .lean<PurchaseDoc[]>()
      .exec()
    for (const p of stuck) await this.post(p, now)
    return stuck.length
  }

  view(p: PurchaseDoc, entry: LedgerEntryDoc | null): PurchaseResult {
    return {
      purchaseId: p._id,
      status: p.status,
      memberId: p.memberId,
      storeId: p.storeId,
      receiptNo: p.receiptNo,
      amountFen: p.amountFen,
      // a held receipt shows the points it is expected to earn (recorded with it); others what they earned
      points: entry ? entry.delta : p.status === 'pending_approval' ? p.points : 0,
      balanceAfter: entry ? entry.state.balance : null,
      tier: (entry?.meta.tierAfter as { level: number; name: string } | undefined) ?? null,
      breakdown: (entry?.meta.breakdown as Record<string, unknown> | undefined) ?? null,
      staffId: p.staffId,
      createdAt: new Date(p.createdAt).toISOString(),
    }
  }
}
