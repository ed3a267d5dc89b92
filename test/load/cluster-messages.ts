import { trusted, type Connection } from 'mongoose'
import { loadConfig } from '@mall/config'
import { shanghaiDay } from '@mall/shared'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { wxTime } from '../../server/src/modules/notifications/notification-messages'
import type { WechatStub } from '../support/wechat-stub'

/**
 * The cluster run's WeChat messages: some of its members log in through WeChat and subscribe to the
 * check-in reminder and to coupon-expiry notices, the daily message jobs run every few seconds
 * (MESSAGE_JOBS_EVERY_SECONDS), and every instance sends through one stub that records each message.
 * Afterwards each (member, template, occasion) must have been sent once at most: a reminder once a
 * Shanghai day, a notice once per coupon.
 */
export const MESSAGE_JOBS_EVERY_S = 5
/** coupon-expiry notices each messaged member subscribes to before the traffic (one message each) */
const NOTICE_CREDITS = 3

const { wechat } = loadConfig({}, {})
const REMINDER_TEMPLATE = wechat.checkinReminderTemplateId
const NOTICE_TEMPLATE = wechat.templates.couponExpiring

export type ClusterCall = (
  method: string,
  url: string,
  token: string | null,
  body: unknown,
  client: string,
  key?: string,
) => Promise<{ status: number; body: any }>

export interface MessagedMember {
  id: string
  token: string
  openid: string
}

/** What the servers need to send through the stub, with the message jobs every few seconds. */
export function messageEnv(stub: WechatStub): Record<string, string> {
  return {
    WECHAT_API_BASE: stub.baseUrl,
    WECHAT_APPID: stub.appId,
    WECHAT_SECRET: stub.secret,
    MESSAGE_JOBS_EVERY_SECONDS: String(MESSAGE_JOBS_EVERY_S),
  }
}

/** A member logged in through WeChat (a fresh code per attempt: a code works once) who subscribes to both. */
export async function messagedMember(
  call: ClusterCall,
  stub: WechatStub,
  openid: string,
  client: string,
): Promise<MessagedMember> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const login = await call('POST', '/api/auth/wechat-login', null, { code: stub.loginCode({ openid }) }, client)
    if (login.status !== 200) continue
    const m = { id: login.body.member.memberId as string, token: login.body.accessToken as string, openid }
    await subscribeAgain(call, m, 'reminder', client, `${openid}-reminder`)
    for (let i = 0; i < NOTICE_CREDITS; i++) await subscribeAgain(call, m, 'notice', client, `${openid}-notice-${i}`)
    return m
  }
  throw new Error(`no WeChat login for ${openid}`)
}

/** What a member does again in the app: subscribes to the reminder, or accepts one more coupon notice. */
export async function subscribeAgain(
  call: ClusterCall,
  m: MessagedMember,
  what: 'reminder' | 'notice',
  client: string,
  key: string,
): Promise<void> {
  const res =
    what === 'reminder'
      ? await call('POST', '/api/me/checkin/reminder', m.token, { subscribe: true }, client, key)
      : await call(
          'POST',
          '/api/me/notifications/subscriptions',
          m.token,
          { templateIds: [NOTICE_TEMPLATE] },
          client,
          key,
        )
  if (res.status !== 200 && res.status !== 429) throw new Error(`subscribe ${what}: ${res.status}`)
}

export interface MessageCheck {
  reminders: number
  notices: number
  /** (member, template, occasion) sent more often than it occurred, with the count */
  twice: string[]
}

/**
 * The stub's record against the occasions: a reminder per member and Shanghai day, a notice per coupon
 * (the stub sees the coupon's end, not its id: a member's notices for one end may be as many as the
 * member's coupons ending then). A message to anyone else, or of another template, counts as twice.
 */
export async function messagesSentTwice(
  stub: WechatStub,
  conn: Connection,
  members: MessagedMember[],
): Promise<MessageCheck> {
  const openids = new Map(members.map((m) => [m.id, m.openid]))
  const occasions = new Map<string, number>()
  const { Coupon } = couponModels(conn)
  const theirs = await Coupon.find({ memberId: trusted({ $in: [...openids.keys()] }) }, { memberId: 1, validTo: 1 })
    .lean()
    .exec()
  for (const c of theirs) {
    const key = `${openids.get(c.memberId)}|${NOTICE_TEMPLATE}|${wxTime(new Date(c.validTo))}`
    occasions.set(key, (occasions.get(key) ?? 0) + 1)
  }
  const sent = new Map<string, number>()
  const check: MessageCheck = { reminders: 0, notices: 0, twice: [] }
  stub.subscribeMessages.forEach((message, i) => {
    const { touser, template_id, data } = message as { touser: string; template_id: string; data: any }
    let key = `${touser}|${template_id}`
    if (template_id === REMINDER_TEMPLATE) {
      key += `|${shanghaiDay(new Date(stub.subscribeMessageTimes[i]!))}`
      if (members.some((m) => m.openid === touser)) occasions.set(key, 1)
      check.reminders++
    } else if (template_id === NOTICE_TEMPLATE) {
      key += `|${data?.time2?.value}`
      check.notices++
    }
    sent.set(key, (sent.get(key) ?? 0) + 1)
  })
  for (const [key, n] of sent) if (n > (occasions.get(key) ?? 0)) check.twice.push(`${key} ×${n}`)
  return check
}
