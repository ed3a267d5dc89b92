import { notificationModels } from '../../server/src/modules/notifications/notification.model'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { expectOnlyWordsForMembers, notificationKit } from '../support/notification-helpers'
import { withoutMemberDay } from '../support/points-helpers'

/**
 * Subscribe messages (订阅消息) over HTTP against the embedded database and the WeChat stub: members
 * opt in per template, the server keeps one credit per acceptance, and each message is claimed by a
 * unique key before one credit is spent and WeChat is called: never twice, never without a credit.
 */
jest.setTimeout(60_000)

let api: TestApi
let clerk: string
const kit = notificationKit(() => api)
const { accept, credits, purchase, sendCalls, sentTo, settings, templateOf, wechatMember, withProcess } = kit

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('NT', '星光百货')
  await withoutMemberDay(api)
  clerk = (await api.loginStaff('nt-clerk', 'manager', 'NT')).accessToken
})
afterAll(() => api.stop())
afterEach(() => api.wechat.setLatency(0))

describe('opting in', () => {
  it('lists the templates and turns each accepted template into one credit', async () => {
    const m = await wechatMember()
    const before = await settings(m)
    expect(before.templates.map((t) => [t.kind, t.title, t.credits])).toEqual([
      ['points_earned', '积分到账提醒', 0],
      ['points_expiring', '积分过期提醒', 0],
      ['coupon_expiring', '优惠券到期提醒', 0],
      ['feedback_replied', '反馈回复通知', 0],
    ])
    const res = await accept(m, ['points_earned', 'points_expiring', 'points_earned'])
    expect(res.status).toBe(200)
    // a template counts once per answer
    expect(res.body.templates.map((t: { credits: number }) => t.credits)).toEqual([1, 1, 0, 0])
    await accept(m, ['points_earned'])
    expect(await credits(m, 'points_earned')).toBe(2)
  })

  it('replays a retried answer (same Idempotency-Key) without another credit; refuses unknown templates', async () => {
    const m = await wechatMember()
    await accept(m, ['coupon_expiring'], 'notify-answer-1')
    await accept(m, ['coupon_expiring'], 'notify-answer-1')
    expect(await credits(m, 'coupon_expiring')).toBe(1)
    const bad = await api.http
      .post('/api/me/notifications/subscriptions')
      .set(bearer(m.login.accessToken))
      .send({ templateIds: ['someone-elses'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION.FAILED')
  })
})

describe('points earned (purchase listener)', () => {
  it('tells a subscribed member what a purchase earned, once per credit', async () => {
    const m = await wechatMember()
    await accept(m, ['points_earned'])
    const from = api.wechat.subscribeMessages.length
    const receiptNo = await purchase(clerk, m, 128_00)
    const [msg, ...more] = sentTo(m, from)
    expect(more).toEqual([])
    expect(msg).toMatchObject({ template_id: templateOf('points_earned'), page: 'pages/wallet/index' })
    expect(msg!.data).toEqual({
      thing1: { value: '星光百货消费积分' },
      number2: { value: '128' },
      number3: { value: String(100 + 128) },
      time4: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/) },
    })
    expectOnlyWordsForMembers(msg!.data, m.login.member.memberId, m.openid, receiptNo, 'NT:')

    // The credit is spent: the next purchase says nothing.
    await purchase(clerk, m, 50_00)
    expect(sentTo(m, from)).toHaveLength(1)
    expect(await credits(m, 'points_earned')).toBe(0)
  })

  it('never sends without a credit', async () => {
    const m = await wechatMember()
    const [from, calls] = [api.wechat.subscribeMessages.length, sendCalls()]
    await purchase(clerk, m, 99_00)
    await accept(m, ['points_expiring']) // another template's credit does not count
    await purchase(clerk, m, 99_00)
    expect(sentTo(m, from)).toEqual([])
    expect(sendCalls()).toBe(calls)
    expect(await notificationModels(api.conn).Message.countDocuments({ memberId: m.login.member.memberId })).toBe(0)
  })

  it('sees a member who subscribed on another process once the audience is reloaded (every minute)', async () => {
    await withProcess(async (elsewhere) => {
      const m = await wechatMember()
      await purchase(clerk, m, 10_00) // this process has loaded its audience, without m
      const from = api.wechat.subscribeMessages.length
      await accept(m, ['points_earned'], undefined, elsewhere)
      await purchase(clerk, m, 20_00)
      expect(sentTo(m, from)).toEqual([])
      await api.ctx.jobs.refreshNotificationAudience()
      await purchase(clerk, m, 30_00)
      expect(sentTo(m, from).map((msg) => msg.data.number2!.value)).toEqual(['30'])
    })
  })
})

describe('delivery', () => {
  it('sends a message once however many race for it, on two processes (26 at once, 13 each → 1 send)', async () => {
    const m = await wechatMember()
    for (let i = 0; i < 5; i++) await accept(m, ['feedback_replied'])
    await withProcess(async (_elsewhere, other) => {
      api.wechat.setLatency(20)
      const from = api.wechat.subscribeMessages.length
      const senders = [api.ctx.services.notifications, other.services.notifications]
      const data = { thing1: { value: '停车反馈' }, thing2: { value: '已处理' } }
      const content = async () => ({ page: 'pages/feedback/index', data })
      const outcomes = await Promise.all(
        Array.from({ length: 26 }, (_, i) =>
          senders[i % 2]!.deliver(
            'feedback_replied',
            m.login.member.memberId,
            'race-subject',
            api.clock.now(),
            content,
          ),
        ),
      )
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1)
      expect(outcomes.filter((o) => o !== 'sent').every((o) => o === 'duplicate')).toBe(true)
      expect(sentTo(m, from)).toHaveLength(1)
      expect(await credits(m, 'feedback_replied')).toBe(4)
    })
  })

  it('never sends more messages than credits: 10 different messages at once, 3 credits → 3 sends', async () => {
    const m = await wechatMember()
    for (let i = 0; i < 3; i++) await accept(m, ['coupon_expiring'])
    api.wechat.setLatency(20)
    const from = api.wechat.subscribeMessages.length
    const content = async () => ({ page: 'pages/my-coupons/index', data: { thing1: { value: '满200减30' } } })
    const { notifications } = api.ctx.services
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        notifications.deliver('coupon_expiring', m.login.member.memberId, `coupon-${i}`, api.clock.now(), content),
      ),
    )
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(3)
    expect(sentTo(m, from)).toHaveLength(3)
    expect(await credits(m, 'coupon_expiring')).toBe(0)
  })

  it('drops a message WeChat refuses with 43101 quietly: no retry; the credits it cannot use are gone', async () => {
    const m = await wechatMember()
    for (let i = 0; i < 3; i++) await accept(m, ['points_earned'])
    api.wechat.setSubscribeQuota(m.openid, templateOf('points_earned'), 0) // the member turned it off in WeChat
    const [from, calls] = [api.wechat.subscribeMessages.length, sendCalls()]
    await purchase(clerk, m, 60_00)
    expect(sendCalls() - calls).toBe(1)
    expect(sentTo(m, from)).toEqual([])
    expect(await credits(m, 'points_earned')).toBe(0)
    const row = await notificationModels(api.conn).Message.findOne({ memberId: m.login.member.memberId }).lean()
    expect(row).toMatchObject({ outcome: 'refused', errcode: 43101 })
    await purchase(clerk, m, 70_00)
    expect(sendCalls() - calls).toBe(1) // nothing left to try with
  })

  it('gives the credit back when WeChat refused to send for another reason; that message never goes', async () => {
    const m = await wechatMember()
    await accept(m, ['feedback_replied'])
    const content = async () => ({ page: 'pages/feedback/index', data: { thing1: { value: '服务反馈' } } })
    const { notifications } = api.ctx.services
    const memberId = m.login.member.memberId
    const notify = () => notifications.deliver('feedback_replied', memberId, 'busy-subject', api.clock.now(), content)
    api.wechat.failNextSend(-1)
    expect(await notify()).toBe('failed')
    expect(await credits(m, 'feedback_replied')).toBe(1)
    expect(await notify()).toBe('duplicate')
  })

  it('does not send to a member without WeChat (H5), credit or not', async () => {
    const h5 = await api.loginMember('notify-h5')
    await accept({ login: h5, openid: '' }, ['points_expiring'])
    const { notifications } = api.ctx.services
    const nothing = async () => null
    const outcome = await notifications.deliver('points_expiring', h5.member.memberId, 'h5', api.clock.now(), nothing)
    expect(outcome).toBe('no_openid')
  })
})
