import { trusted, type Connection, type Model } from 'mongoose'
import {
  addDays,
  checkinReward,
  lastDayOfMonth,
  nextMilestone,
  shanghaiDay,
  shanghaiMonth,
  type CheckinResult,
  type CheckinStatus,
} from '@mall/shared'
import { existsById, findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import { reminderSendModel, type ReminderSendDoc } from './reminder-sends'
import { checkinModels, type CheckinDoc, type CheckinModels } from './checkin.model'
import { MakeupCards } from './makeup-cards'

const STALE_MS = 30_000
// Streaks are read back in batches of this many days (by `_id`, the fast path on every backend).
const LOOKBACK_BATCH = 8

/** Daily check-in (签到), make-up cards (补签卡) and the reminder subscription. */
export class CheckinService {
  private readonly m: CheckinModels
  private readonly reminderSends: Model<ReminderSendDoc>
  private readonly cards: MakeupCards

  constructor(
    conn: Connection,
    private readonly ledger: LedgerService,
    private readonly rules: ProgramRules,
    /** hands out a milestone's coupon; refusals (sold out, limit reached) are the template's rules */
    private readonly grantCoupon: (memberId: string, templateId: string, now: Date) => Promise<unknown> = async () =>
      undefined,
  ) {
    this.m = checkinModels(conn)
    this.reminderSends = reminderSendModel(conn)
    this.cards = new MakeupCards(this.m, ledger)
  }

  /** Checks in for today. Concurrent taps converge on the one inserted check-in and its reward. */
  async checkIn(memberId: string, now: Date): Promise<CheckinResult> {
    const { checkin: rules } = await this.rules.current()
    const today = shanghaiDay(now)
    // Each check-in stores the streak it ends (make-ups renumber the days after them), so today's
    // streak is yesterday's + 1: one read by `_id`.
    const yesterday = await findById<CheckinDoc>(this.m.Checkin, `${memberId}:${addDays(today, -1)}`)
    const streak = (yesterday?.streak ?? 0) + 1
    const reward = checkinReward(rules, streak, false)
    const doc: CheckinDoc = {
      _id: `${memberId}:${today}`,
      memberId,
      day: today,
      kind: 'daily',
      at: now,
      streak,
      rewardPoints: reward.points,
      milestoneDay: reward.milestone?.day ?? null,
      makeupCardsEarned: reward.milestone?.makeupCards ?? 0,
      rewarded: false,
    }
    if (await insertOnce(this.m.Checkin, doc as never)) {
      await this.reward(doc)
      return view(doc)
    }
    const saved = (await findById<CheckinDoc>(this.m.Checkin, doc._id))!
    await this.reward(saved)
    return { ...view(saved), repeat: { at: new Date(saved.at).toISOString() } }
  }

  /** Posts the reward keyed to the check-in and hands out earned cards; safe to repeat. */
  private async reward(c: CheckinDoc): Promise<void> {
    if (c.rewarded) return
    const { earning } = await this.rules.current()
    const growth =
      c.kind === 'daily' && earning.actionGrowth.checkin > 0
        ? { bonus: { month: shanghaiMonth(c.at), amount: earning.actionGrowth.checkin } }
        : undefined
    if (c.rewardPoints > 0 || growth) {
      await this.ledger.post({
        memberId: c.memberId,
        eventKey: `checkin:${c._id}`,
        type: 'checkin',
        now: c.at,
        plan: () => ({
          op:
            c.rewardPoints > 0
              ? {
                  kind: 'credit',
                  points: c.rewardPoints,
                  earnedMonth: shanghaiMonth(c.at),
                  expiryMonths: earning.expiryMonths,
                }
              : { kind: 'none' },
          growth,
          meta: {
            day: c.day,
            reason:
              c.kind === 'makeup' ? `补签 ${c.day}` : c.milestoneDay ? `连续签到第${c.milestoneDay}天` : '每日签到',
          },
        }),
      })
    }
    const couponTemplateId = c.milestoneDay
      ? (await this.rules.current()).checkin.milestones.find((m) => m.day === c.milestoneDay)?.couponTemplateId
      : undefined
    // The coupon is claimed like any other (stock, per-member limit); a repeat after a crash is
    // stopped by the template's per-member limit, so milestone templates should use limit 1.
    if (couponTemplateId)
      await this.grantCoupon(c.memberId, couponTemplateId, c.at).catch((err) =>
        err instanceof DomainError ? undefined : Promise.reject(err),
      )
    for (let i = 0; i < c.makeupCardsEarned; i++) {
      await insertOnce(this.m.Card, {
        _id: `mc:${c.memberId}:streak:${c.day}:${i}`,
        memberId: c.memberId,
        source: 'milestone',
        state: 'active',
        usedFor: null,
        createdAt: c.at,
      })
    }
    // Not awaited: the flag only spares repeat work. If it is lost, the repair on the member's next
    // request or the sweeper runs this again, and the keyed posting replays instead of paying twice.
    void updateById(this.m.Checkin, c._id, { $set: { rewarded: true } }).catch(() => undefined)
  }

  private async streakEndingAt(memberId: string, day: string): Promise<number> {
    let streak = 0
    for (;;) {
      const days = Array.from({ length: LOOKBACK_BATCH }, (_, i) => addDays(day, -(streak + i)))
      const found = await Promise.all(days.map((d) => existsById(this.m.Checkin, `${memberId}:${d}`)))
      const gap = found.findIndex((f) => !f)
      if (gap >= 0) return streak + gap
      streak += LOOKBACK_BATCH
      if (streak > 400) return streak
    }
  }

  async status(memberId: string, month: string | undefined, now: Date): Promise<CheckinStatus> {
    const { checkin: rules } = await this.rules.current()
    const today = shanghaiDay(now)
    const shown = month ?? today.slice(0, 7)
    await this.repair(memberId, today)
    const monthDays = Array.from(
      { length: Number(lastDayOfMonth(shown).slice(8)) },
      (_, i) => `${shown}-${String(i + 1).padStart(2, '0')}`,
    )
    const [checked, streakToday, streakYesterday, cards, uses, reminder] = await Promise.all([
      Promise.all(monthDays.map(async (d) => ((await existsById(this.m.Checkin, `${memberId}:${d}`)) ? d : null))),
      existsById(this.m.Checkin, `${memberId}:${today}`),
      this.m.Checkin.findById(`${memberId}:${addDays(today, -1)}`)
        .lean<CheckinDoc>()
        .exec(),
      this.cards.activeCount(memberId),
      this.m.Use.countDocuments({ memberId, _id: trusted({ $regex: `^${memberId}:${today.slice(0, 7)}:` }) }).exec(),
      this.m.Reminder.findById(memberId).lean().exec(),
    ])
    const streak = (streakYesterday?.streak ?? 0) + (streakToday ? 1 : 0)
    const next = nextMilestone(rules, streak)
    return {
      today,
      month: shown,
      checkedDays: checked.filter((d): d is string => d !== null),
      checkedInToday: !!streakToday,
      streak,
      nextMilestone: next
        ? { day: next.milestone.day, bonusPoints: next.milestone.bonusPoints, inDays: next.inDays }
        : null,
      makeupCards: cards,
      makeupUsedThisMonth: uses,
      makeupMonthlyCap: rules.makeupMonthlyCap,
      makeupCardPricePoints: rules.makeupCardPricePoints,
      basePoints: rules.basePoints,
      reminderSubscribed: !!reminder,
    }
  }

  /** Finishes rewards a crash left unposted for today and yesterday (the sweeper covers the rest). */
  private async repair(memberId: string, today: string): Promise<void> {
    for (const d of [today, addDays(today, -1)]) {
      const c = await this.m.Checkin.findById(`${memberId}:${d}`).lean<CheckinDoc>().exec()
      if (c && !c.rewarded) await this.reward(c)
    }
  }

  /**
   * Make-up check-in for a missed day of the current month. One insert reserves both a use within
   * the monthly cap and the card (unique cardId); it is released if the day turns out taken.
   */
  async makeup(memberId: string, day: string, now: Date): Promise<CheckinResult> {
    const { checkin: rules } = await this.rules.current()
    const today = shanghaiDay(now)
    if (day >= today || day.slice(0, 7) !== today.slice(0, 7))
      throw new DomainError('CHECKIN.MAKEUP_NOT_ALLOWED', 'only missed days of this month')
    if (await existsById(this.m.Checkin, `${memberId}:${day}`))
      throw new DomainError('CHECKIN.ALREADY_CHECKED', 'day already checked')
    const use = await this.cards.reserve(memberId, day, rules.makeupMonthlyCap, now)
    const streak = (await this.streakEndingAt(memberId, addDays(day, -1))) + 1
    const doc: CheckinDoc = {
      _id: `${memberId}:${day}`,
      memberId,
      day,
      kind: 'makeup',
      at: now,
      streak,
      rewardPoints: checkinReward(rules, streak, true).points,
      milestoneDay: null,
      makeupCardsEarned: 0,
      rewarded: false,
    }
    if (!(await insertOnce(this.m.Checkin, doc as never))) {
      await this.cards.release(use.useId)
      throw new DomainError('CHECKIN.ALREADY_CHECKED', 'day already checked')
    }
    await this.cards.markUsed(use.cardId, day)
    await this.renumberAfter(memberId, day, streak, today)
    await this.reward(doc)
    return view(doc)
  }

  /** A filled gap lengthens the streaks of the days after it (display only; rewards stay as paid). */
  private async renumberAfter(memberId: string, day: string, streak: number, today: string): Promise<void> {
    for (let d = addDays(day, 1), n = streak + 1; d <= today; d = addDays(d, 1), n++) {
      const res = await this.m.Checkin.updateOne({ _id: `${memberId}:${d}` }, { $set: { streak: n } }).exec()
      if (res.matchedCount === 0) return
    }
  }

  /** Buys a card with points; the client's Idempotency-Key names the card, so a retry buys once. */
  async buyCard(memberId: string, idempotencyKey: string, now: Date): Promise<{ cardId: string; makeupCards: number }> {
    const { checkin: rules } = await this.rules.current()
    const cardId = await this.cards.buy(memberId, idempotencyKey, rules.makeupCardPricePoints, now)
    return { cardId, makeupCards: await this.cards.activeCount(memberId) }
  }

  async setReminder(memberId: string, openid: string | null, subscribe: boolean, now: Date): Promise<void> {
    if (!subscribe) await this.m.Reminder.deleteOne({ _id: memberId }).exec()
    // a double tap races itself
    else await updateById(this.m.Reminder, memberId, { $set: { openid, subscribedAt: now } }, { upsert: true })
  }

  /** Crash repair for rewards and bought cards older than a few seconds. */
  async sweep(now: Date, graceMs = STALE_MS): Promise<{ rewards: number; cards: number }> {
    const before = new Date(now.getTime() - graceMs)
    const { checkin: rules } = await this.rules.current()
    const unrewarded = await this.m.Checkin.find({ rewarded: false, at: trusted({ $lt: before }) })
      .lean<CheckinDoc[]>()
      .exec()
    for (const c of unrewarded) await this.reward(c)
    const cards = await this.cards.sweep(before, rules.makeupCardPricePoints, now)
    return { rewards: unrewarded.length, cards }
  }

  /** Sends the one-time subscribe message to subscribers who have not checked in today. */
  async sendReminders(now: Date, send: (openid: string) => Promise<void>): Promise<number> {
    const today = shanghaiDay(now)
    let sent = 0
    for (const r of await this.m.Reminder.find({}).lean().exec()) {
      if (r.lastSentDay === today || !r.openid) continue
      if (await existsById(this.m.Checkin, `${r._id}:${today}`)) continue
      const claim: ReminderSendDoc = {
        _id: `${r._id}:${today}`,
        at: now,
        expiresAt: new Date(now.getTime() + 2 * 86_400_000),
      }
      if (!(await insertOnce(this.reminderSends, claim as never))) continue
      await send(r.openid)
      // WeChat one-time subscriptions are used up by a send: the member subscribes again in the app.
      await this.m.Reminder.deleteOne({ _id: r._id }).exec()
      sent++
    }
    return sent
  }
}

function view(c: CheckinDoc): CheckinResult {
  return {
    day: c.day,
    kind: c.kind,
    streak: c.streak,
    rewardPoints: c.rewardPoints,
    milestoneDay: c.milestoneDay,
    makeupCardsEarned: c.makeupCardsEarned,
  }
}
