import { findById, updateById, type AnyModel } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import type { NotificationModels, SubscriptionDoc } from './notification.model'

/**
 * A member's one-time subscriptions to a template, as credits: each accepted request adds credit
 * n+1 (`<member>:<template>:<n>`), each message spends the oldest unspent one by inserting its use
 * row (same `_id`, unique: a credit pays for one message, however many processes send at once).
 * Credits and uses are numbered without gaps, each taken by a unique insert after the numbers
 * below it were seen taken, so what a member has left is (highest credit) − (highest use).
 */
export class SubscriptionCredits {
  constructor(private readonly m: NotificationModels) {}

  /** One more credit for the template. */
  async grant(memberId: string, templateId: string, now: Date): Promise<void> {
    const key = `${memberId}:${templateId}`
    let hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
    if (!hint) {
      // Before the first credit: readers take a missing row for "no credits".
      const row = { memberId, templateId, granted: 0, used: 0, at: now }
      await updateById(this.m.Subscription, key, { $setOnInsert: row }, { upsert: true })
      hint = { _id: key, ...row }
    }
    for (let n = hint.granted + 1; ; n++) {
      if (await insertOnce(this.m.Credit, { _id: `${key}:${n}`, memberId, templateId, n, at: now })) {
        await updateById(this.m.Subscription, key, { $max: { granted: n } })
        return
      }
    }
  }

  /** How many messages of the template the member's subscriptions still allow. */
  async available(memberId: string, templateId: string): Promise<number> {
    const key = `${memberId}:${templateId}`
    const hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
    if (!hint) return 0
    const [granted, used] = await Promise.all([
      this.highest(this.m.Credit, key, hint.granted),
      this.highest(this.m.Use, key, hint.used),
    ])
    return Math.max(0, granted - used)
  }

  /** Spends the oldest unspent credit on `messageId`; its number, or null when there is none. */
  async take(memberId: string, templateId: string, messageId: string, now: Date): Promise<number | null> {
    const key = `${memberId}:${templateId}`
    const hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
    if (!hint) return null
    for (let n = hint.used + 1; ; n++) {
      if (!(await findById(this.m.Credit, `${key}:${n}`))) return null
      if (await insertOnce(this.m.Use, { _id: `${key}:${n}`, messageId, at: now })) {
        await updateById(this.m.Subscription, key, { $max: { used: n } })
        return n
      }
    }
  }

  /** Spends every credit left (WeChat said the member has none: 43101); how many there were. */
  async burn(memberId: string, templateId: string, reason: string, now: Date): Promise<number> {
    let burnt = 0
    while ((await this.take(memberId, templateId, reason, now)) !== null) burnt++
    return burnt
  }

  /** Members who ever subscribed to the template (a superset of those holding a credit). */
  async subscribers(templateId: string): Promise<string[]> {
    const rows = await this.m.Subscription.find({ templateId }, { memberId: 1 }).lean<SubscriptionDoc[]>().exec()
    return [...new Set(rows.map((r) => r.memberId))]
  }

  /** The highest number taken in `model` for `key`, probing forward from the hint. */
  private async highest(model: AnyModel, key: string, hint: number): Promise<number> {
    let n = hint
    while (await findById(model, `${key}:${n + 1}`)) n++
    return n
  }
}
