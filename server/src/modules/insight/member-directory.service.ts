import type { Connection, Model } from 'mongoose'
import {
  maskBirthday,
  maskName,
  maskPhone,
  MAX_MEMBER_TAGS,
  tierByLevel,
  type AccountDeletionState,
  type MemberCoupon,
  type MemberDetail,
  type MemberRow,
  type PurchaseFact,
  type WalletEntry,
} from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { checkinModels, type CheckinDoc, type MakeupCardDoc } from '../checkin/checkin.model'
import { couponModels, type CouponDoc, type CouponTemplateDoc } from '../coupons/coupon.model'
import { toMemberCoupon } from '../coupons/coupon-catalog.service'
import type { LedgerService } from '../ledger/ledger.service'
import { memberModels, type MemberDoc } from '../members/member.model'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'
import { toWalletEntry } from '../points/wallet.service'
import { referralModels, type ReferralDoc } from '../referrals/referral.model'
import type { MemberInsightService } from './insight.service'
import { findMembers, page, type Paged } from './member-search'

export type MemberLedgerEntry = WalletEntry & {
  eventKey: string
  staffId: string | null
  storeId: string | null
  rulesVersion: number | null
}

const PURCHASE_KEY = 'purchase:'

/**
 * The operator console's member pages: search, the member detail (profile with RFM, lifecycle,
 * churn risk, tags) and its tabs (ledger, coupons, check-ins, referrals), and tagging. Names, phone
 * numbers and birthdays leave this service masked (personal-data/ reveals one field, audited).
 */
export class MemberDirectoryService {
  private readonly Member: Model<MemberDoc>
  private readonly Coupon: Model<CouponDoc>
  private readonly Template: Model<CouponTemplateDoc>
  private readonly Checkin: Model<CheckinDoc>
  private readonly Card: Model<MakeupCardDoc>
  private readonly Referral: Model<ReferralDoc>
  private readonly Purchase: Model<PurchaseDoc>

  constructor(
    conn: Connection,
    private readonly insight: MemberInsightService,
    private readonly members: MemberService,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
    /** 注销中 / 已注销 of the listed members (account-deletion) */
    private readonly deletionStates: (memberIds: string[]) => Promise<Map<string, AccountDeletionState>>,
  ) {
    this.Member = memberModels(conn).Member
    ;({ Coupon: this.Coupon, Template: this.Template } = couponModels(conn))
    ;({ Checkin: this.Checkin, Card: this.Card } = checkinModels(conn))
    this.Referral = referralModels(conn).Referral
    this.Purchase = purchaseModel(conn)
  }

  /** The console's member search (member-search.ts), each row with its insight profile. */
  async search(q: { q?: string; page: number; pageSize: number }, now: Date): Promise<Paged<MemberRow>> {
    const found = await findMembers(this.Member, q)
    const ids = found.items.map((m) => m._id)
    const [purchases, deletions] = await Promise.all([this.purchasesOf(ids), this.deletionStates(ids)])
    return {
      ...found,
      items: found.items.map((member) => {
        const row = this.insight.row({
          member,
          profile: this.insight.profile(member, purchases.get(member._id) ?? [], now),
        })
        const deletion = deletions.get(member._id) ?? 'none'
        return deletion === 'none' ? row : { ...row, deletion }
      }),
    }
  }

  /**
   * Posted purchases of a few members without scanning the purchases collection: each member's
   * ledger is read by `_id` (`<memberId>:<seq>`), every posted purchase has an 'earn' entry keyed
   * `purchase:<purchaseId>`, and each purchase is then read by `_id` for its status (reversed ones
   * drop out), time and amount: reads by `_id` only, where a `{memberId}` filter scans every receipt on FerretDB.
   */
  async purchasesOf(memberIds: string[]): Promise<Map<string, PurchaseFact[]>> {
    const lists = await Promise.all(
      memberIds.map(async (memberId) => {
        const head = await this.ledger.head(memberId)
        const entries = await this.ledger.entries(memberId, head.seq + 1, head.seq)
        const ids = [
          ...new Set(
            entries
              .filter((e) => e.type === 'earn' && e.eventKey.startsWith(PURCHASE_KEY))
              .map((e) => e.eventKey.slice(PURCHASE_KEY.length)),
          ),
        ]
        const rows = await Promise.all(ids.map((id) => this.Purchase.findById(id).lean<PurchaseDoc>().exec()))
        return rows
          .filter((p): p is PurchaseDoc => p?.status === 'posted' && p.memberId === memberId)
          .map((p) => ({ at: new Date(p.createdAt), amountFen: p.amountFen }))
      }),
    )
    return new Map(memberIds.map((id, i) => [id, lists[i]!]))
  }

  async detail(memberId: string, now: Date): Promise<MemberDetail> {
    const member = await this.members.get(memberId)
    const [purchases, head, { tiers }] = await Promise.all([
      this.purchasesOf([memberId]),
      this.ledger.head(memberId, member.walletHint ?? null),
      this.rules.current(),
    ])
    const facts = purchases.get(memberId) ?? []
    const profile = this.insight.profile(member, facts, now)
    const tier = tierByLevel(tiers, member.tierLevel)
    const s = head.state
    return {
      memberId: member._id,
      nickname: maskName(member.nickname),
      phoneMasked: maskPhone(member.phone),
      tier: { level: tier.level, name: tier.name },
      joinedAt: new Date(member.joinedAt).toISOString(),
      tags: profile.tags,
      channel: member.source?.channel ?? '',
      inviterId: member.source?.inviterId ?? null,
      wallet: {
        balance: s.balance,
        debt: s.debt,
        lifetimeEarned: s.lifetimeEarned,
        lifetimeSpent: s.lifetimeSpent,
        lifetimeExpired: s.lifetimeExpired,
      },
      birthdayMasked: maskBirthday(member.birthday),
      insight: profile.insight,
      lifetimeSpendFen: facts.filter((f) => f.at.getTime() <= now.getTime()).reduce((sum, f) => sum + f.amountFen, 0),
      definitions: this.insight.definitions(),
      asOf: now.toISOString(),
      erased: Boolean(member.erasedAt),
    }
  }

  /** Ledger entries newest first, with who posted them and under which rules version. */
  async ledgerPage(
    memberId: string,
    q: { beforeSeq?: number; limit: number },
  ): Promise<{ items: MemberLedgerEntry[]; nextBeforeSeq: number | null }> {
    await this.members.get(memberId)
    const start = q.beforeSeq ?? (await this.ledger.head(memberId)).seq + 1
    const rows = await this.ledger.entries(memberId, start, q.limit)
    const last = rows.at(-1)
    const items = rows.map((e) => {
      const meta = e.meta as { staffId?: string; storeId?: string; rulesVersion?: number }
      return {
        ...toWalletEntry(e),
        eventKey: e.eventKey,
        staffId: meta.staffId ?? null,
        storeId: meta.storeId ?? null,
        rulesVersion: meta.rulesVersion ?? null,
      }
    })
    return { items, nextBeforeSeq: last && last.seq > 1 ? last.seq : null }
  }

  async coupons(
    memberId: string,
    q: { page: number; pageSize: number },
    now: Date,
  ): Promise<Paged<MemberCoupon & { state: string }>> {
    await this.members.get(memberId)
    const coupons = await this.Coupon.find({ memberId }).lean<CouponDoc[]>().exec()
    const templateIds = [...new Set(coupons.map((c) => c.templateId))]
    const templates = new Map(
      (await Promise.all(templateIds.map((id) => this.Template.findById(id).lean<CouponTemplateDoc>().exec())))
        .filter((t): t is CouponTemplateDoc => t !== null)
        .map((t) => [t._id, t]),
    )
    const rows = coupons
      .filter((c) => templates.has(c.templateId))
      .sort((a, b) => new Date(b.claimedAt).getTime() - new Date(a.claimedAt).getTime())
      .map((c) => ({ ...toMemberCoupon(c, templates.get(c.templateId)!, now), state: c.state }))
    return page(rows, q)
  }

  async checkins(
    memberId: string,
    q: { page: number; pageSize: number },
  ): Promise<
    Paged<Pick<CheckinDoc, 'day' | 'kind' | 'streak' | 'rewardPoints' | 'milestoneDay'> & { at: string }> & {
      makeupCards: number
    }
  > {
    await this.members.get(memberId)
    const [rows, cards] = await Promise.all([
      this.Checkin.find({ memberId }).lean<CheckinDoc[]>().exec(),
      this.Card.countDocuments({ memberId, state: 'active' }).exec(),
    ])
    const items = rows
      .sort((a, b) => (a.day < b.day ? 1 : -1))
      .map((c) => ({
        day: c.day,
        kind: c.kind,
        streak: c.streak,
        rewardPoints: c.rewardPoints,
        milestoneDay: c.milestoneDay,
        at: new Date(c.at).toISOString(),
      }))
    return { ...page(items, q), makeupCards: cards }
  }

  /** Friends this member invited (with their status and the inviter's reward), and who invited this member. */
  async referrals(memberId: string, q: { page: number; pageSize: number }) {
    await this.members.get(memberId)
    const [invited, invitedBy] = await Promise.all([
      this.Referral.find({ inviterId: memberId }).lean<ReferralDoc[]>().exec(),
      this.Referral.findById(memberId).lean<ReferralDoc>().exec(),
    ])
    const paged = page(
      invited.sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime()),
      q,
    )
    const friends = await Promise.all(paged.items.map((r) => this.Member.findById(r._id).lean<MemberDoc>().exec()))
    return {
      ...paged,
      items: paged.items.map((r, i) => ({
        inviteeId: r._id,
        nickname: friends[i] ? maskName(friends[i].nickname) : null,
        status: r.status,
        joinedAt: new Date(r.createdAt).toISOString(),
        qualifiedAt: r.qualifiedAt ? new Date(r.qualifiedAt).toISOString() : null,
        inviterRewardPoints: r.status === 'rewarded' ? r.inviterRewardPoints : 0,
      })),
      totals: { invited: invited.length, rewarded: invited.filter((r) => r.status === 'rewarded').length },
      invitedBy: invitedBy
        ? { inviterId: invitedBy.inviterId, status: invitedBy.status, at: new Date(invitedBy.createdAt).toISOString() }
        : null,
    }
  }

  /**
   * Adds and removes tags with targeted updates of the member document. The cap is checked first; a
   * concurrent edit can overshoot it by a few tags, which is harmless (tags are labels, not money).
   */
  async changeTags(memberId: string, add: string[], remove: string[]): Promise<{ memberId: string; tags: string[] }> {
    const member = await this.members.get(memberId)
    const current = member.tags ?? []
    const next = new Set([...current.filter((t) => !remove.includes(t)), ...add])
    if (next.size > MAX_MEMBER_TAGS && add.some((t) => !current.includes(t))) {
      throw new DomainError('MEMBER.TOO_MANY_TAGS', `at most ${MAX_MEMBER_TAGS} tags per member`)
    }
    const toAdd = [...new Set(add)].filter((t) => !current.includes(t))
    const toRemove = [...new Set(remove)].filter((t) => current.includes(t))
    await this.members.changeTags(memberId, toAdd, toRemove)
    const after = await this.Member.findById(memberId).lean<MemberDoc>().exec()
    this.insight.invalidate()
    return { memberId, tags: after?.tags ?? [] }
  }
}
