import { AppendChain, type ChainHints } from '../../db/append-chain'
import { findById, updateById } from '../../db/by-id'
import type { CreditDoc, CreditUseDoc, NotificationModels, SubscriptionDoc } from './notification.model'

/**
 * A member's one-time subscriptions to a template, as credits: each accepted request adds credit
 * n+1 (`<member>:<template>:<n>`), each message spends the oldest unspent one by inserting its use
 * row (same `_id`, unique: a credit pays for one message, however many processes send at once).
 * Credits and uses are two chains per member and template (db/append-chain.ts) numbered without gaps,
 * each taken by a unique insert after the numbers below it were seen taken, so what a member has left
 * is (highest credit) − (highest use). The subscription row holds both hints, raised after every insert.
 */
export class SubscriptionCredits {
  private readonly credits: AppendChain<CreditDoc>
  private readonly uses: AppendChain<CreditUseDoc>

  constructor(private readonly m: NotificationModels) {
    const rowId = (key: string, n: number) => `${key}:${n}`
    const raise = (field: 'granted' | 'used'): ChainHints<null> => ({
      read: async (key) => {
        const hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
        return hint && { n: hint[field], value: null }
      },
      write: (key, head) => updateById(this.m.Subscription, key, { $max: { [field]: head.n } }).then(() => undefined),
      every: 1,
      awaited: true,
    })
    this.credits = new AppendChain<CreditDoc>({ model: m.Credit, rowId, hints: raise('granted') })
    this.uses = new AppendChain<CreditUseDoc>({ model: m.Use, rowId, hints: raise('used') })
  }

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
    const from = { n: hint.granted, value: null }
    await this.credits.append(key, (head) => ({ memberId, templateId, n: head.n + 1, at: now }), { from })
  }

  /** How many messages of the template the member's subscriptions still allow. */
  async available(memberId: string, templateId: string): Promise<number> {
    const key = `${memberId}:${templateId}`
    const hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
    if (!hint) return 0
    const [granted, used] = await Promise.all([
      this.credits.probe(key, { n: hint.granted, value: null }),
      this.uses.probe(key, { n: hint.used, value: null }),
    ])
    return Math.max(0, granted.n - used.n)
  }

  /** Spends the oldest unspent credit on `messageId`; its number, or null when there is none. */
  async take(memberId: string, templateId: string, messageId: string, now: Date): Promise<number | null> {
    const key = `${memberId}:${templateId}`
    const hint = await findById<SubscriptionDoc>(this.m.Subscription, key)
    if (!hint) return null
    // Not `append`: the use of number n needs credit n, looked up before each attempt.
    for (let n = hint.used + 1; ; n++) {
      if (!(await this.credits.row(key, n))) return null
      if (await this.uses.insertAt(key, n, { messageId, at: now })) {
        await this.uses.hintIfDue(key, { n, value: null })
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
}
