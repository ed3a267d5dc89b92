import Taro from '@tarojs/taro'
import { render, waitFor } from '@testing-library/react'
import { pendingInviter, rememberInviter } from '../src/services/inviter'

// The weapp build: pages and services read TARO_ENV (some when their module loads).
const taroEnv = process.env.TARO_ENV
process.env.TARO_ENV = 'weapp'
afterAll(() => {
  if (taroEnv === undefined) Reflect.deleteProperty(process.env, 'TARO_ENV')
  else process.env.TARO_ENV = taroEnv
})

const InvitePage = require('../src/pages/invite').default as typeof import('../src/pages/invite').default
const notifications = require('../src/services/notifications') as typeof import('../src/services/notifications')

const store = new Map<string, unknown>()
const timelineHandlers: Array<() => { title: string; query: string }> = []
jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({
    storage: () => store,
    taro: { requestSubscribeMessage: jest.fn(), setClipboardData: jest.fn(async () => {}) },
    exports: {
      useShareAppMessage: jest.fn(),
      useShareTimeline: (fn: () => { title: string; query: string }) => timelineHandlers.push(fn),
    },
  }),
)

const request = Taro.request as unknown as jest.Mock
const subscribe = Taro.requestSubscribeMessage as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
type Call = { url: string; method: string; data?: unknown; header: Record<string, string> }
const calls = (): Call[] => request.mock.calls.map((c) => c[0] as Call)

const settings = (credits: Record<string, number> = {}) => ({
  templates: [
    ['points_earned', 'tpl-earned', '积分到账提醒'],
    ['points_expiring', 'tpl-expiring', '积分过期提醒'],
    ['coupon_expiring', 'tpl-coupon', '优惠券到期提醒'],
    ['feedback_replied', 'tpl-feedback', '反馈回复通知'],
  ].map(([kind, templateId, title]) => ({ kind, templateId, title, credits: credits[kind!] ?? 0 })),
})

beforeEach(() => {
  store.clear()
  store.set('mall.session.v1', { accessToken: 'a', refreshToken: 'refresh-token-a', expiresAt: 0 })
  request.mockReset()
  subscribe.mockReset()
  timelineHandlers.length = 0
})

describe('subscribe messages (weapp)', () => {
  it('asks for the templates at once, inside the tap, and tells the server only the accepted ones', async () => {
    request.mockResolvedValueOnce(ok(settings()))
    await notifications.loadNotificationSettings()
    subscribe.mockResolvedValueOnce({ errMsg: 'ok', 'tpl-earned': 'accept', 'tpl-expiring': 'reject' })
    request.mockResolvedValueOnce(ok(settings({ points_earned: 1 })))

    const offered = notifications.offerSubscriptions(['points_earned', 'points_expiring'])
    expect(subscribe).toHaveBeenCalledWith({ tmplIds: ['tpl-earned', 'tpl-expiring'] }) // before anything is awaited
    await expect(offered).resolves.toEqual(['points_earned'])
    const post = calls().find((c) => c.method === 'POST')!
    expect(post.url).toBe('http://api.test/api/me/notifications/subscriptions')
    expect(post.data).toEqual({ templateIds: ['tpl-earned'] })
    expect(post.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    expect(notifications.knownNotificationSettings()!.templates[0]!.credits).toBe(1)
  })

  it('does not ask while the member can still receive that kind; a refusal tells the server nothing', async () => {
    request.mockResolvedValueOnce(ok(settings({ coupon_expiring: 2 })))
    await notifications.loadNotificationSettings()
    await expect(notifications.offerSubscriptions(['coupon_expiring'], { onlyWhenNone: true })).resolves.toEqual([])
    expect(subscribe).not.toHaveBeenCalled()

    subscribe.mockResolvedValueOnce({ errMsg: 'ok', 'tpl-feedback': 'reject' })
    await expect(notifications.offerSubscriptions(['feedback_replied'], { onlyWhenNone: true })).resolves.toEqual([])
    subscribe.mockRejectedValueOnce(new Error('requestSubscribeMessage:fail can only be invoked by user TAP gesture'))
    await expect(notifications.offerSubscriptions(['feedback_replied'])).resolves.toEqual([])
    expect(calls().filter((c) => c.method === 'POST')).toEqual([])
  })
})

describe('invite page (weapp)', () => {
  const summary = {
    inviteCode: 'AB12CD',
    link: 'https://mall.example/?inviter=AB12CD',
    sharePath: 'pages/card/index?inviter=AB12CD',
    friends: [],
    totals: { invited: 0, purchased: 0, rewardPoints: 0, pendingRewards: 0 },
    rules: { inviteePoints: 50, inviterPoints: 200, dailyCap: 5, monthlyCap: 20 },
  }
  const wxacode = { inviteCode: 'AB12CD', page: 'pages/card/index', image: 'data:image/jpeg;base64,/9j/4AAQ' }
  const answer = (code: unknown) => async (opts: { url: string }) =>
    opts.url.endsWith('/wxacode') ? code : ok(summary)

  it('shows the mini-program code from the server and shares to 朋友圈 with the inviter', async () => {
    request.mockImplementation(answer(ok(wxacode)))
    const { container } = render(<InvitePage />)
    await waitFor(() => expect(container.querySelector('.invite-wxacode')).toHaveAttribute('src', wxacode.image))
    expect(timelineHandlers.at(-1)!()).toEqual({ title: expect.any(String), query: 'inviter=AB12CD' })
  })

  it("falls back to the link's QR code when WeChat cannot draw the code", async () => {
    const error = { code: 'AUTH.WECHAT_UNAVAILABLE', message: 'x', requestId: 'r' }
    request.mockImplementation(answer({ statusCode: 503, data: { error } }))
    const { container } = render(<InvitePage />)
    await waitFor(() => expect(calls().some((c) => c.url.endsWith('/api/me/invites/wxacode'))).toBe(true))
    await waitFor(() => expect(container.querySelector('.invite-qr')).toHaveAttribute('data-text', summary.link))
    expect(container.querySelector('.invite-wxacode')).toBeNull()
  })
})

it('a friend who opens the mini-program code is attributed from `scene` (URL-encoded by WeChat)', () => {
  rememberInviter({ scene: encodeURIComponent('AB12CD') })
  expect(pendingInviter()).toBe('AB12CD')
})
