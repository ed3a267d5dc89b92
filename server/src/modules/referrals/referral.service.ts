import type { Connection, Model } from 'mongoose'
import { shanghaiDay, shanghaiMonth, type InviteSummary } from '@mall/shared'
import { insertOnce, isDuplicateKey } from '../../db/connect'
import { insertRow } from '../../db/insert-batch'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberDoc } from '../members/member.model'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { referralModels, type ReferralCapDoc, type ReferralDoc } from './referral.model'
import { ReferralTransitions, type ReferralRound, type ReferralTransitionDoc } from './referral-state'

const STALE_MS = 30_000

/**
 * Invite a friend (邀请有礼). Attribution is written once per invitee; the invitee is rewarded on
 * registration, the inviter only after the invitee's first staff-verified purchase, within daily and
 * monthly caps. Every reward is a ledger posting keyed to the referral.
 */
export class ReferralService {
  private readonly Referral: Model<ReferralDoc>
  private readonly Cap: Model<ReferralCapDoc>
  private readonly transitions: ReferralTransitions

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly members: MemberService,
    private readonly rules: ProgramRules,
  ) {
    ;({ Referral: this.Referral, Cap: this.Cap } = referralModels(conn))
    this.transitions = new ReferralTransitions(conn, this.Referral)
  }

  /** Registration hook: attribution was decided when the member row was created (source.inviterId). */
  async onRegistered(member: MemberDoc, now: Date): Promise<void> {
    const inviterId = member.source.inviterId
    if (!inviterId) return
    const { referral: rules } = await this.rules.current()
    await insertOnce(this.Referral, {
      _id: member._id,
      inviterId,
      status: 'registered',
      createdAt: member.joinedAt,
      qualifyingPurchase: null,
      qualifiedAt: null,
      inviterRewardPoints: 0,
      inviteeRewardPoints: rules.inviteePoints,
    })
    if (rules.inviteePoints > 0) {
      await this.ledger.post({
        memberId: member._id,
        eventKey: `referral-invitee:${member._id}`,
        type: 'referral',
        now,
        plan: () => ({
          op: {
            kind: 'credit',
            points: rules.inviteePoints,
            earnedMonth: shanghaiMonth(member.joinedAt),
            expiryMonths: 12,
          },
          meta: { reason: '好友邀请注册礼' },
        }),
      })
    }
  }

  /** Purchase hook: the invitee's first verified purchase qualifies the referral and releases the inviter's reward. */
  readonly onPurchasePosted = async (
    memberId: string,
    purchaseId: string,
    now: Date,
    invited: boolean,
  ): Promise<void> => {
    // Attribution is fixed at registration: a member nobody invited has no referral to read.
    if (!invited) return
    const state = await this.transitions.current(memberId)
    if (state.status !== 'registered') return
    // Of two purchases qualifying at once, one insert wins: that purchase is the qualifying one.
    const claimed = await this.transitions.claim(memberId, 'q', state.round + 1, { purchaseId }, now)
    if (claimed.won) await this.finish(memberId, claimed.row, now)
  }

  /**
   * Carries out what the referral's rows say and writes its status cache: a qualified round gets its
   * outcome (reward within the caps, or capped), a reward its posting, a clawback its posting, a
   * reopened round its cap slots back. Every effect is keyed, so a repeat (a retry, the sweeper) is safe.
   */
  private async finish(inviteeId: string, row: ReferralTransitionDoc | null, now: Date): Promise<void> {
    const ref = await this.Referral.findById(inviteeId).lean<ReferralDoc>().exec()
    if (!ref) return
    const state = await this.transitions.current(inviteeId)
    if (state.status === 'qualified') return this.decideReward(ref, state, row, now)
    const { earning } = await this.rules.current()
    const points = state.outcome?.points ?? 0
    if (state.status === 'rewarded' || state.status === 'reversed') {
      await this.ledger.post({
        memberId: ref.inviterId,
        eventKey: `referral-inviter:${inviteeId}`,
        type: 'referral',
        now: state.outcome!.at,
        plan: () => ({
          op:
            points > 0
              ? {
                  kind: 'credit',
                  points,
                  earnedMonth: shanghaiMonth(state.outcome!.at),
                  expiryMonths: earning.expiryMonths,
                }
              : { kind: 'none' },
          growth:
            earning.actionGrowth.invite > 0
              ? { bonus: { month: shanghaiMonth(state.outcome!.at), amount: earning.actionGrowth.invite } }
              : undefined,
          meta: { reason: '邀请好友首购奖励', inviteeId },
        }),
      })
    }
    if (state.status === 'reversed' && points > 0) {
      await this.ledger.post({
        memberId: ref.inviterId,
        eventKey: `referral-inviter-reversal:${inviteeId}`,
        type: 'reversal',
        now: state.after!.at,
        plan: () => ({ op: { kind: 'clawback', points }, meta: { reason: '好友退货，扣回邀请奖励', inviteeId } }),
      })
    }
    // A round that ended without a reward gives its cap slots back: the friend's next purchase may qualify.
    if (state.status === 'registered' && state.round > 0) await this.Cap.deleteMany({ inviteeId }).exec()
    await this.transitions.settle(inviteeId, row)
  }

  /** The outcome of a qualified round: a reward if the inviter's daily and monthly caps have room, else capped. */
  private async decideReward(
    ref: ReferralDoc,
    state: ReferralRound,
    row: ReferralTransitionDoc | null,
    now: Date,
  ): Promise<void> {
    const { referral: rules } = await this.rules.current()
    const at = state.qualified!.at
    const day = await this.takeCapSlot(ref, 'day', shanghaiDay(at), rules.inviterDailyCap)
    const month = day && (await this.takeCapSlot(ref, 'month', shanghaiMonth(at), rules.inviterMonthlyCap))
    const outcome = day && month ? 'rewarded' : 'capped'
    const claimed = await this.transitions.claim(
      ref._id,
      'o',
      state.round,
      { outcome, points: outcome === 'rewarded' ? rules.inviterPoints : 0 },
      now,
    )
    if (claimed.row.outcome !== 'rewarded') await this.Cap.deleteMany({ inviteeId: ref._id }).exec()
    if (row) await this.transitions.settle(ref._id, row)
    await this.finish(ref._id, claimed.won ? claimed.row : null, now)
  }

  /** Returns the slot id taken (or already held by this friend), or null when the period is full. */
  private async takeCapSlot(
    ref: ReferralDoc,
    kind: 'day' | 'month',
    period: string,
    cap: number,
  ): Promise<string | null> {
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

  /**
   * Refund hook: reversing the qualifying purchase claws back the inviter's reward (refund policy
   * applies); a round without a reward is reopened, so the friend's next purchase can qualify instead.
   */
  readonly onPurchaseReversed = async (memberId: string, purchaseId: string, now: Date): Promise<void> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const state = await this.transitions.current(memberId)
      if (state.qualified?.purchaseId !== purchaseId) return
      const claim =
        state.status === 'rewarded'
          ? { kind: 'x' as const, fields: {} }
          : state.status === 'capped'
            ? { kind: 'c' as const, fields: {} }
            : state.status === 'qualified'
              ? { kind: 'o' as const, fields: { outcome: 'withdrawn' as const } }
              : null
      if (!claim) return
      const claimed = await this.transitions.claim(memberId, claim.kind, state.round, claim.fields, now)
      // Lost to the reward's outcome (decided meanwhile): look again, and claw it back.
      if (claimed.won) return this.finish(memberId, claimed.row, now)
    }
  }

  /** Finishes referral transitions a crash left unsettled (an outcome not decided, a reward not posted). */
  async sweep(now: Date, graceMs = STALE_MS): Promise<number> {
    const rows = await this.transitions.unsettled(now, graceMs)
    for (const row of rows) await this.finish(row.inviteeId, row, now)
    return rows.length
  }

  async summary(memberId: string, origin: string): Promise<InviteSummary> {
    const [member, invited, { referral: rules }] = await Promise.all([
      this.members.get(memberId),
      this.Referral.find({ inviterId: memberId }).sort({ createdAt: -1 }).limit(200).lean<ReferralDoc[]>().exec(),
      this.rules.current(),
    ])
    const invitees = await Promise.all(invited.map((r) => this.members.get(r._id).catch(() => null)))
    // Friends who erased their accounts (注销账号) no longer count; rewards already paid stay in the ledger.
    const counted = invited.map((r, i) => ({ r, friend: invitees[i] })).filter(({ friend }) => !friend?.erasedAt)
    const refs = counted.map(({ r }) => r)
    const friends = counted.map(({ r, friend }) => ({
      nickname: `${(friend?.nickname ?? '会员').slice(0, 1)}**`,
      status: r.status,
      joinedAt: new Date(r.createdAt).toISOString(),
      rewardPoints: r.status === 'rewarded' ? r.inviterRewardPoints : 0,
    }))
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
      rules: {
        inviteePoints: rules.inviteePoints,
        inviterPoints: rules.inviterPoints,
        dailyCap: rules.inviterDailyCap,
        monthlyCap: rules.inviterMonthlyCap,
      },
    }
  }
}
