import type { Logger } from 'pino'
import { addDays, daysBetween, expiryPreview, shanghaiDay, type FeedbackCategory } from '@mall/shared'
import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import { entryId } from '../ledger/ledger.model'
import type { LedgerService } from '../ledger/ledger.service'
import {
  couponExpiringMessage,
  feedbackRepliedMessage,
  pointsEarnedMessage,
  pointsExpiringMessage,
  type MessageContent,
} from './notification-messages'
import type { NotificationService } from './notification.service'

/** How far back from the wallet's head a purchase's entry is looked for (later postings may follow it). */
const ENTRY_PROBE = 10
/** Notices before a lot batch expires (days): the first at 30, the last at 7. */
const POINTS_NOTICE_DAYS = [30, 7]
const COUPON_NOTICE_MS = 3 * 86400_000

export interface FeedbackReply {
  ticketId: string
  memberId: string
  category: FeedbackCategory
  rev: number
  text: string | null
  at: Date
}

/**
 * Members who ever subscribed to a template, in memory, so the purchase award (a hot path) spends
 * no database call on the many members who never did. Loaded on first use, reloaded by a job every
 * minute (another process's new subscriber is seen within it), added to as this process grants.
 */
class Audience {
  private members: Set<string> | null = null
  private loading: Promise<void> | null = null
  private addedWhileLoading: string[] = []

  constructor(private readonly load: () => Promise<string[]>) {}

  async has(memberId: string): Promise<boolean> {
    if (!this.members) await this.reload()
    return this.members!.has(memberId)
  }

  add(memberId: string): void {
    this.members?.add(memberId)
    if (this.loading) this.addedWhileLoading.push(memberId)
  }

  reload(): Promise<void> {
    this.loading ??= this.load()
      .then((ids) => {
        this.members = new Set([...ids, ...this.addedWhileLoading])
      })
      .finally(() => {
        this.loading = null
        this.addedWhileLoading = []
      })
    return this.loading
  }

  get size(): number {
    return this.members?.size ?? 0
  }
}

/**
 * When each message goes out: points earned (a purchase listener), feedback replied (a feedback
 * listener), points and coupons about to expire (daily jobs over the templates' subscribers).
 * Listeners return at once: WeChat is called after the award or reply has been answered.
 */
export class NotificationTriggers {
  private readonly earnedAudience: Audience
  private readonly pending = new Set<Promise<unknown>>()

  constructor(
    private readonly notifications: NotificationService,
    private readonly ledger: LedgerService,
    private readonly coupons: CouponCatalogService,
    private readonly log: Logger,
  ) {
    const template = notifications.templates.points_earned
    this.earnedAudience = new Audience(() => notifications.credits.subscribers(template))
    notifications.granted.push((memberId, templateId) => {
      if (templateId === template) this.earnedAudience.add(memberId)
    })
  }

  /** PurchaseService `posted` listener. */
  readonly onPurchasePosted = async (memberId: string, purchaseId: string, now: Date): Promise<void> => {
    this.background('points_earned', async () => {
      if (!(await this.earnedAudience.has(memberId))) return
      const content = () => this.earned(memberId, purchaseId)
      await this.notifications.deliver('points_earned', memberId, purchaseId, now, content)
    })
  }

  /** FeedbackService `responded` listener: a reply (or a closing note) to the member's ticket. */
  readonly onFeedbackReplied = async (reply: FeedbackReply): Promise<void> => {
    const text = reply.text
    if (!text) return
    const subject = `${reply.ticketId}#${reply.rev}`
    const content = async () => feedbackRepliedMessage({ category: reply.category, text, at: reply.at })
    const notify = () => this.notifications.deliver('feedback_replied', reply.memberId, subject, reply.at, content)
    this.background('feedback_replied', notify)
  }

  /** Daily: one message per lot batch (points expiring on one day) 30 days before it expires, one 7 days before. */
  async pointsExpiring(now: Date): Promise<number> {
    const today = shanghaiDay(now)
    const last = addDays(today, Math.max(...POINTS_NOTICE_DAYS))
    let sent = 0
    for (const memberId of await this.subscribers('points_expiring')) {
      const { state } = await this.ledger.head(memberId)
      for (const batch of expiryPreview(state, last)) {
        const daysLeft = daysBetween(today, batch.expiresOn)
        if (daysLeft < 0 || batch.points <= 0) continue
        const notice = Math.min(...POINTS_NOTICE_DAYS.filter((d) => daysLeft <= d))
        const subject = `${batch.expiresOn}:${notice}d`
        const content = async () => pointsExpiringMessage({ ...batch, daysLeft })
        const outcome = await this.notifications.deliver('points_expiring', memberId, subject, now, content)
        if (outcome === 'sent') sent++
      }
    }
    return sent
  }

  /** Daily: one message per coupon, within 3 days of the end of its validity. */
  async couponsExpiring(now: Date): Promise<number> {
    let sent = 0
    for (const memberId of await this.subscribers('coupon_expiring')) {
      for (const coupon of await this.coupons.myCoupons(memberId, 'unused', now)) {
        const validTo = new Date(coupon.validTo)
        if (validTo.getTime() - now.getTime() > COUPON_NOTICE_MS || validTo < now) continue
        const content = async () => couponExpiringMessage({ name: coupon.name, validTo })
        const outcome = await this.notifications.deliver('coupon_expiring', memberId, coupon.couponId, now, content)
        if (outcome === 'sent') sent++
      }
    }
    return sent
  }

  /** Every minute: who subscribed to points-earned messages on any process. */
  async refreshAudience(): Promise<number> {
    await this.earnedAudience.reload()
    return this.earnedAudience.size
  }

  /** Resolves when the messages started so far are settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  /** The purchase's entry: the wallet's head or one shortly before it (later postings may follow). */
  private async earned(memberId: string, purchaseId: string): Promise<MessageContent | null> {
    const head = await this.ledger.head(memberId)
    for (let seq = head.seq; seq > Math.max(0, head.seq - ENTRY_PROBE); seq--) {
      const entry = await this.ledger.entry(entryId(memberId, seq))
      if (entry?.eventKey !== `purchase:${purchaseId}`) continue
      if (entry.delta <= 0) return null
      const storeName = typeof entry.meta.storeName === 'string' ? entry.meta.storeName : null
      const at = new Date(entry.createdAt)
      return pointsEarnedMessage({ storeName, points: entry.delta, balance: entry.state.balance, at })
    }
    return null
  }

  private async subscribers(kind: 'points_expiring' | 'coupon_expiring'): Promise<string[]> {
    return this.notifications.credits.subscribers(this.notifications.templates[kind])
  }

  private background(kind: string, work: () => Promise<unknown>): void {
    const task = work()
      .catch((err) => this.log.warn({ kind, err: String(err) }, 'subscribe message failed'))
      .finally(() => this.pending.delete(task))
    this.pending.add(task)
  }
}
