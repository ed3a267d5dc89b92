import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import { NOTIFICATION_KINDS, NOTIFICATION_TITLES, type NotificationKind, type NotificationSettings } from '@mall/shared'
import { updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { MemberService } from '../members/member.service'
import { WechatApiError, type SubscribeMessage, type WechatClient } from '../wechat/wechat-client'
import type { MessageContent } from './notification-messages'
import {
  notificationModels,
  type DeliveryOutcome,
  type MessageDoc,
  type NotificationModels,
} from './notification.model'
import { SubscriptionCredits } from './subscription-credits'

/** WeChat: the user refused the template, or the one-time subscription is used up. */
const USER_REFUSED = 43101

export type TemplateIds = Record<NotificationKind, string>

/** What became of a delivery; the ones before the claim leave no row. */
export type Delivery = DeliveryOutcome | 'not_subscribed' | 'no_openid' | 'nothing_to_say' | 'duplicate'

const MINIPROGRAM_STATE: Record<string, SubscribeMessage['miniprogramState']> = {
  release: 'formal',
  trial: 'trial',
  develop: 'developer',
}

/**
 * Subscribe messages (订阅消息): members opt in per kind from the mini-program, and the server
 * sends at most one message per subject, only while the member holds a credit for its template:
 * 1. nothing is claimed for a member without a credit (most members, most of the time);
 * 2. the message is claimed by a unique insert `<kind>:<member>:<subject>`: never twice, on any process;
 * 3. a credit is spent (its own unique insert), then WeChat is called once. 43101 (the member has no
 *    subscription left at WeChat) drops the message and the credits left, quietly, without a retry;
 *    another refusal gives the credit back (WeChat did not send); an unknown outcome keeps it spent.
 */
export class NotificationService {
  readonly credits: SubscriptionCredits
  private readonly m: NotificationModels
  /** called with (member, template) whenever a credit is granted here */
  readonly granted: ((memberId: string, templateId: string) => void)[] = []

  constructor(
    conn: Connection,
    private readonly wechat: WechatClient,
    private readonly members: MemberService,
    readonly templates: TemplateIds,
    private readonly envVersion: string,
    private readonly log: Logger,
  ) {
    this.m = notificationModels(conn)
    this.credits = new SubscriptionCredits(this.m)
  }

  async settings(memberId: string): Promise<NotificationSettings> {
    const templates = await Promise.all(
      NOTIFICATION_KINDS.map(async (kind) => ({
        kind,
        templateId: this.templates[kind],
        title: NOTIFICATION_TITLES[kind],
        credits: await this.credits.available(memberId, this.templates[kind]),
      })),
    )
    return { templates }
  }

  /** The member accepted these templates in wx.requestSubscribeMessage: one credit each. */
  async subscribe(memberId: string, templateIds: string[], now: Date): Promise<NotificationSettings> {
    const known = new Set(Object.values(this.templates))
    const unknown = templateIds.filter((id) => !known.has(id))
    if (unknown.length > 0) {
      throw new DomainError('VALIDATION.FAILED', 'unknown subscribe-message template', { templateIds: unknown })
    }
    for (const templateId of new Set(templateIds)) {
      await this.credits.grant(memberId, templateId, now)
      for (const listener of this.granted) listener(memberId, templateId)
    }
    return this.settings(memberId)
  }

  /**
   * Sends the `kind` message about `subject` to the member, once. `content` is asked only when the
   * member holds a credit (it may read what the message tells); null: nothing to say after all.
   */
  async deliver(
    kind: NotificationKind,
    memberId: string,
    subject: string,
    now: Date,
    content: () => Promise<MessageContent | null>,
  ): Promise<Delivery> {
    const templateId = this.templates[kind]
    if ((await this.credits.available(memberId, templateId)) === 0) return 'not_subscribed'
    const member = await this.members.get(memberId).catch(() => null)
    if (!member?.openid) return 'no_openid'
    const message = await content()
    if (!message) return 'nothing_to_say'

    const _id = `${kind}:${memberId}:${subject}`
    const claim: MessageDoc = {
      _id,
      kind,
      memberId,
      subject,
      templateId,
      at: now,
      outcome: 'claimed',
      errcode: null,
      credit: null,
    }
    if (!(await insertOnce(this.m.Message, claim as never))) return 'duplicate'
    const credit = await this.credits.take(memberId, templateId, _id, now)
    if (credit === null) return this.record(claim, 'no_credit', null, null)
    try {
      await this.wechat.sendSubscribeMessage({
        openid: member.openid,
        templateId,
        page: message.page,
        data: message.data,
        miniprogramState: MINIPROGRAM_STATE[this.envVersion],
      })
      return await this.record(claim, 'sent', credit, null)
    } catch (err) {
      if (!(err instanceof WechatApiError)) {
        // Timed out or cut off: WeChat may have sent it, so it is not sent again and the credit stays spent.
        this.log.warn({ kind, memberId, err: String(err) }, 'subscribe message: outcome unknown')
        return this.record(claim, 'failed', credit, null)
      }
      if (err.errcode === USER_REFUSED) {
        // The member has nothing left at WeChat: neither has the member here.
        const burnt = await this.credits.burn(memberId, templateId, `refused:${_id}`, now)
        this.log.info({ kind, memberId, errcode: err.errcode, burnt }, 'subscribe message refused by the member')
        return this.record(claim, 'refused', credit, err.errcode)
      }
      await this.credits.grant(memberId, templateId, now) // WeChat did not send: the subscription stands
      this.log.warn({ kind, memberId, errcode: err.errcode }, 'subscribe message not sent')
      return this.record(claim, 'failed', credit, err.errcode)
    }
  }

  /** What became of a claimed message (a record; the claim row alone keeps it from going twice). */
  private async record(
    claim: MessageDoc,
    outcome: DeliveryOutcome,
    credit: number | null,
    errcode: number | null,
  ): Promise<Delivery> {
    await updateById(this.m.Message, claim._id, { $set: { outcome, credit, errcode } })
    return outcome
  }
}
