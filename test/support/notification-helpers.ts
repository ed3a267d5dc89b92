import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import type { MemberLoginResponse, NotificationKind, NotificationSettings } from '@mall/shared'
import { createApp } from '../../server/src/app'
import type { AppContext } from '../../server/src/app-context'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import { bearer, type TestApi } from './api-harness'
import { award, scan } from './points-helpers'

/** A member logged in through WeChat (the stub knows the openid messages go to). */
export interface WechatMember {
  login: MemberLoginResponse
  openid: string
}

/** A message WeChat accepted (subscribe/send's body). */
export interface SentMessage {
  touser: string
  template_id: string
  page: string
  data: Record<string, { value: string }>
}

let openids = 0
let receipts = 0

/** Subscribe-message test steps against a test API (given lazily: it starts in beforeAll). */
export function notificationKit(apiOf: () => TestApi) {
  const templateOf = (kind: NotificationKind) => apiOf().ctx.services.notifications.templates[kind]
  const settings = async (m: WechatMember): Promise<NotificationSettings> =>
    (await apiOf().http.get('/api/me/notifications').set(bearer(m.login.accessToken))).body

  return {
    templateOf,

    async wechatMember(openid = `o-notify-${++openids}`): Promise<WechatMember> {
      const api = apiOf()
      const res = await api.http.post('/api/auth/wechat-login').send({ code: api.wechat.loginCode({ openid }) })
      expect(res.status).toBe(200)
      return { login: res.body, openid }
    },

    /** Messages the member's subscriptions still allow, per the member's own settings. */
    credits: async (m: WechatMember, kind: NotificationKind) =>
      (await settings(m)).templates.find((t) => t.kind === kind)!.credits,

    settings,

    /** What the mini-program does with the accepted keys of wx.requestSubscribeMessage's answer. */
    accept(m: WechatMember, kinds: NotificationKind[], idempotencyKey?: string, http = apiOf().http) {
      const req = http.post('/api/me/notifications/subscriptions').set(bearer(m.login.accessToken))
      if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey)
      return req.send({ templateIds: kinds.map(templateOf) })
    },

    /** Messages WeChat accepted for this member since `from`. */
    sentTo: (m: WechatMember, from = 0) =>
      (apiOf().wechat.subscribeMessages.slice(from) as SentMessage[]).filter((msg) => msg.touser === m.openid),

    /** subscribe/send calls WeChat answered, accepted or not. */
    sendCalls: () => apiOf().wechat.requests.filter((p) => p === '/cgi-bin/message/subscribe/send').length,

    /** A clerk's award for the member; returns once the messages it started are settled. */
    async purchase(clerk: string, m: WechatMember, amountFen: number): Promise<string> {
      const api = apiOf()
      const receiptNo = `NT-${++receipts}`
      const res = await award(api, clerk, { scanToken: await scan(api, m.login, clerk), receiptNo, amountFen })
      expect(res.status).toBe(200)
      await api.ctx.services.notificationTriggers.idle()
      return receiptNo
    },

    /** Runs `work` with a second server process on the same database (its own caches and WeChat client). */
    async withProcess(work: (http: ReturnType<typeof request>, ctx: AppContext) => Promise<void>): Promise<void> {
      const api = apiOf()
      const wechat = createWechatClient(api.config.wechat, api.conn)
      const logger = pino({ level: 'silent' })
      const { app, ctx } = createApp({ config: api.config, conn: api.conn, wechat, logger, now: api.clock.now })
      const server = app.listen(0, '127.0.0.1')
      await new Promise<void>((resolve) => server.once('listening', resolve))
      try {
        await work(request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), ctx)
      } finally {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
    },
  }
}

/** Members read these: no ids, codes or internal names. */
export function expectOnlyWordsForMembers(data: Record<string, { value: string }>, ...forbidden: string[]): void {
  const text = Object.values(data)
    .map((v) => v.value)
    .join(' | ')
  const internal = ['points_', 'coupon_', 'feedback_', '-dev', 'undefined', 'null', 'NaN']
  for (const word of [...forbidden, ...internal]) expect(text).not.toContain(word)
}
