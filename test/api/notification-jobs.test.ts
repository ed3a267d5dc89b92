import { addDays, expiresOnFor, shanghaiMonth, startOfShanghaiDay } from '@mall/shared'
import { startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { feedbackAction, submitFeedback } from '../support/feedback-helpers'
import { expectOnlyWordsForMembers, notificationKit } from '../support/notification-helpers'

/**
 * The subscribe messages jobs and listeners send: points and coupons about to expire (daily jobs
 * over the templates' subscribers) and replies to feedback, each once per subject.
 */
jest.setTimeout(60_000)

let api: TestApi
let operator: string
const { accept, sentTo, templateOf, wechatMember } = notificationKit(() => api)

beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('nt-operator', 'operator', null)).accessToken
})
afterAll(() => api.stop())

describe('expiry jobs', () => {
  it('points expiring: one message per lot batch 30 days before, one 7 days before, never repeated', async () => {
    const joined = '2026-01-15T02:00:00Z'
    api.clock.set(joined)
    const joinedThen = await wechatMember() // the welcome gift: 100 points expiring with January's lot
    api.clock.runFromStartOfHour()
    const m = await wechatMember(joinedThen.openid) // logged in again: January's session has expired
    await accept(m, ['points_expiring'])
    await accept(m, ['points_expiring'])
    const expiresOn = expiresOnFor(shanghaiMonth(new Date(joined)), 12)
    const on = (daysBefore: number) => new Date(startOfShanghaiDay(addDays(expiresOn, -daysBefore)).getTime() + 7.2e6)
    const from = api.wechat.subscribeMessages.length

    expect(sentTo(m, from)).toHaveLength(0)
    await api.ctx.jobs.notifyPointsExpiring(on(31))
    expect(sentTo(m, from)).toHaveLength(0)
    await api.ctx.jobs.notifyPointsExpiring(on(20))
    await api.ctx.jobs.notifyPointsExpiring(on(19))
    await api.ctx.jobs.notifyPointsExpiring(on(6))
    await api.ctx.jobs.notifyPointsExpiring(on(5))
    const sent = sentTo(m, from)
    const [y, mo, d] = expiresOn.split('-').map(Number)
    expect(sent.map((msg) => msg.data)).toEqual([
      {
        number1: { value: '100' },
        date2: { value: `${y}年${mo}月${d}日` },
        thing3: { value: '积分20天后到期，请尽快使用' },
      },
      {
        number1: { value: '100' },
        date2: { value: `${y}年${mo}月${d}日` },
        thing3: { value: '积分6天后到期，请尽快使用' },
      },
    ])
    expect(sent[0]).toMatchObject({ template_id: templateOf('points_expiring'), page: 'pages/wallet/index' })
    expectOnlyWordsForMembers(sent[0]!.data, m.login.member.memberId, expiresOn)
  })

  it('coupon expiring: one message per coupon within 3 days of its end', async () => {
    api.clock.reset()
    const m = await wechatMember()
    const validity = { kind: 'relative' as const, days: 5 }
    const templateId = await createTemplate(api, operator, { name: '周末咖啡买一送一', validity })
    const claimed = await claim(api, m.login.accessToken, templateId)
    expect(claimed.status).toBe(200)
    await accept(m, ['coupon_expiring'])
    const from = api.wechat.subscribeMessages.length
    const now = Date.now()
    await api.ctx.jobs.notifyCouponsExpiring(new Date(now))
    expect(sentTo(m, from)).toHaveLength(0) // 4 to 5 days left
    await api.ctx.jobs.notifyCouponsExpiring(new Date(now + 2 * 86400_000))
    await api.ctx.jobs.notifyCouponsExpiring(new Date(now + 2.5 * 86400_000))
    const sent = sentTo(m, from)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ template_id: templateOf('coupon_expiring'), page: 'pages/my-coupons/index' })
    expect(sent[0]!.data).toEqual({
      thing1: { value: '周末咖啡买一送一' },
      time2: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 23:59$/) },
      thing3: { value: '优惠券即将到期，请尽快使用' },
    })
    expectOnlyWordsForMembers(sent[0]!.data, claimed.body.couponId, templateId, m.login.member.memberId)
  })
})

describe('feedback replied (feedback listener)', () => {
  it('tells the member about a reply, in words: the category label and the reply cut to 20 characters', async () => {
    api.clock.reset()
    const m = await wechatMember()
    await accept(m, ['feedback_replied'])
    const ticket = (await submitFeedback(api, m.login.accessToken, { category: 'parking', text: 'B2 出口缴费机坏了' }))
      .body
    await feedbackAction(api, operator, ticket.ticketId, 'assign', { assignee: '停车场' }) // internal: no message
    const from = api.wechat.subscribeMessages.length
    const reply = '您好，缴费机已经修好，B2 出口恢复正常通行，感谢您的反馈与耐心等待'
    expect((await feedbackAction(api, operator, ticket.ticketId, 'reply', { text: reply })).status).toBe(200)
    await api.ctx.services.notificationTriggers.idle()
    const sent = sentTo(m, from)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ template_id: templateOf('feedback_replied'), page: 'pages/feedback/index' })
    expect(sent[0]!.data.thing1).toEqual({ value: '停车反馈' })
    expect(sent[0]!.data.thing2!.value).toBe(`${[...reply].slice(0, 19).join('')}…`)
    expectOnlyWordsForMembers(sent[0]!.data, ticket.ticketId, 'parking', 'nt-operator')

    // Closing it is another response, but the member's one credit is spent.
    await feedbackAction(api, operator, ticket.ticketId, 'close', { resolution: '已修复' })
    await api.ctx.services.notificationTriggers.idle()
    expect(sentTo(m, from)).toHaveLength(1)
  })
})
