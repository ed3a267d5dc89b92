import { trusted, type Connection, type Model } from 'mongoose'
import { shanghaiDay, shanghaiMonth, type InviteSummary } from '@mall/shared'
import { insertOnce, isDuplicateKey } from '../../db/connect'
import { updateIf } from '../../db/guarded-write'
import { insertRow } from '../../db/insert-batch'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberDoc } from '../members/member.model'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../points/program-rules'
import { referralModels, type ReferralCapDoc, type ReferralDoc } from './referral.model'

const STALE_MS = 30_000

/**
 * Invite a friend (邀请有礼). Attribution is written once per invitee; the invitee is rewarded on
 * registration, the inviter only after the invitee's first staff-verified purchase, within daily and
 * monthly caps. Every reward is a ledger posting keyed to the referral.
 */
export class ReferralService {
  private readonly Referral: Model<ReferralDoc>
  private readonly Cap: Model<ReferralCapDoc>

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
  ) {
    ;({ Referral: this.Referral, Cap: this.Cap } = referralModels(conn))
  }

  /** Registration hook: attribution was decided when the member row was created (source.inviterId). */
  async onRegistered(member: MemberDoc, now: Date): Promise<void> {
    const inviterId = member.source.inviterId
    if (!inviterId) return
    const { referral: rules } = await this.rules.current()
    await insertOnce(this.Referral, {
      _id: member._id, inviterId, status: 'registered', createdAt: member.joinedAt, qualifyingPurchase: null, qualifiedAt: null,
      inviterRewardPoints: 0, inviteeRewardPoints: rules.inviteePoints,
    })
    if (rules.inviteePoints > 0) {
      await this.ledger.post({
        memberId: member._id, eventKey: `referral-invitee:${member._id}`, type: 'referral', now,
        plan: () => ({ op: { kind: 'credit', points: rules.inviteePoints, earnedMonth: shanghaiMonth(member.joinedAt), expiryMonths: 12 }, meta: { reason: '好友邀请注册礼' } }),
      })
    }
  }

  /** Purchase hook: the invitee's first verified purchase releases the inviter's reward. */
  async onPurchasePosted(memberId: string, purchaseId: string, now: Date, invited: boolean): Promise<void> {
    // Attribution is fixed at registration: a member nobody invited has no referral to read.
    if (!invited) return
    const ref = await this.Referral.findById(memberId).lean<ReferralDoc>().exec()
    if (!ref || ref.status !== 'registered') return
    await updateIf(this.Referral, memberId, { status: 'registered' }, { $set: { status: 'qualified', qualifyingPurchase: purchaseId, qualifiedAt: now } })
    await this.rewardInviter(memberId, now)
  }

  private async rewardInviter(inviteeId: string, now: Date): Promise<void> {
    const ref = await this.Referral.findById(inviteeId).lean<ReferralDoc>().exec()
    if (!ref || ref.status !== 'qualified') return
    const { referral: rules, earning } = await this.rules.current()
    const at = ref.qualifiedAt ?? now
    const day = await this.takeCapSlot(ref, 'day', shanghaiDay(at), rules.inviterDailyCap)
    const month = day && (await this.takeCapSlot(ref, 'month', shanghaiMonth(at), rules.inviterMonthlyCap))
    if (!day || !month) {
      if (day) await this.Cap.deleteOne({ _id: day }).exec()
      await updateIf(this.Referral, inviteeId, { status: 'qualified' }, { $set: { status: 'capped' } })
      return
    }
    await this.ledger.post({
      memberId: ref.inviterId, eventKey: `referral-inviter:${inviteeId}`, type: 'referral', now,
      plan: () => ({
        op: rules.inviterPoints > 0 ? { kind: 'credit', points: rules.inviterPoints, earnedMonth: shanghaiMonth(now), expiryMonths: earning.expiryMonths } : { kind: 'none' },
        growth: earning.actionGrowth.invite > 0 ? { bonus: { month: shanghaiMonth(now), amount: earning.actionGrowth.invite } } : undefined,
        meta: { reason: '邀请好友首购奖励', inviteeId },
      }),
    })
    await updateIf(this.Referral, inviteeId, { status: 'qualified' }, { $set: { status: 'rewarded', inviterRewardPoints: rules.inviterPoints } })
  }

  /** Returns the slot id taken (or already held by this friend), or null when the period is full. */
  private async takeCapSlot(ref: ReferralDoc, kind: 'day' | 'month', period: string, cap: number): Promise<string | null> {
    for (let n = 1; n <= cap; n++) {
      const id = `${ref.inviterId}:${period}:${n}`
      try {
        await insertRow(this.Cap, { _id: id, inviterId: ref.inviterId, inviteeId: ref._id, kind })
        return id
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        const held = await this.Cap.findOne({ inviteeId: ref._id, kind }).lean<ReferralCapDoc>().exec()
        if (held) return held._id // a retry: this friend already holds a slot
      }
    }
    return null
  }

  /** Refund hook: reversing the qualifying purchase reverses the inviter's reward (refund policy applies). */
  async onPurchaseReversed(memberId: string, purchaseId: string, now: Date): Promise<void> {
    const ref = await this.Referral.findById(memberId).lean<ReferralDoc>().exec()
    if (!ref || ref.qualifyingPurchase !== purchaseId) return
    if (ref.status === 'rewarded') {
      await this.ledger.post({
        memberId: ref.inviterId, eventKey: `referral-inviter-reversal:${memberId}`, type: 'reversal', now,
        plan: () => ({ op: { kind: 'clawback', points: ref.inviterRewardPoints }, meta: { reason: '好友退货，扣回邀请奖励', inviteeId: memberId } }),
      })
      await this.Referral.updateOne({ _id: memberId }, { $set: { status: 'reversed' } }).exec()
    } else if (ref.status === 'qualified' || ref.status === 'capped') {
      // No reward was paid: the friend's next purchase can qualify instead.
      await this.Cap.deleteMany({ inviteeId: memberId }).exec()
      await this.Referral.updateOne({ _id: memberId }, { $set: { status: 'registered', qualifyingPurchase: null, qualifiedAt: null } }).exec()
    }
  }

  /** Finishes inviter rewards a crash left in 'qualified'. */
  async sweep(now: Date): Promise<number> {
    const stuck = await this.Referral.find({ status: 'qualified', qualifiedAt: trusted({ $lt: new Date(now.getTime() - STALE_MS) }) }).lean<ReferralDoc[]>().exec()
    for (const ref of stuck) await this.rewardInviter(ref._id, now)
    return stuck.length
  }

  async summary(memberId: string, origin: string): Promise<InviteSummary> {
    const [member, refs, { referral: rules }] = await Promise.all([
      this.members.get(memberId),
      this.Referral.find({ inviterId: memberId }).sort({ createdAt: -1 }).limit(200).lean<ReferralDoc[]>().exec(),
      this.rules.current(),
    ])
    const friends = await Promise.all(
      refs.map(async (r) => {
        const friend = await this.members.get(r._id).catch(() => null)
        const name = friend?.nickname ?? '会员'
        return { nickname: `${name.slice(0, 1)}**`, status: r.status, joinedAt: new Date(r.createdAt).toISOString(), rewardPoints: r.status === 'rewarded' ? r.inviterRewardPoints : 0 }
      }),
    )
    return {
      inviteCode: member.inviteCode,
      link: `${origin}/?inviter=${member.inviteCode}`,
      sharePath: `pages/card/index?inviter=${member.inviteCode}`,
      friends,
      totals: {
        invited: refs.length,
        purchased: refs.filter((r) => r.status !== 'registered').length,
        rewardPoints: friends.reduce((s, f) => s + f.rewardPoints, 0),
        pendingRewards: refs.filter((r) => r.status === 'registered').length,
      },
      rules: { inviteePoints: rules.inviteePoints, inviterPoints: rules.inviterPoints, dailyCap: rules.inviterDailyCap, monthlyCap: rules.inviterMonthlyCap },
    }
  }
}
