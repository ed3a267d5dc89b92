import { bearer } from '../support/api-harness'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The member card in the release build: WeChat login end to end (wx.login → our server → the
 * WeChat stub's jscode2session), the card face from the API, the rotating member code as QR and
 * Code 128, its rotation after 30 s on a test clock, and the weapp-only phone binding button.
 */
jest.setTimeout(60_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const svgOf = (src: string) => Buffer.from(src.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8')
const attr = (selector: string, name: string) => lane.find(selector)?.dom.getAttribute(name) ?? ''

it('a new member logs in with wx.login and sees the card the server has for them', async () => {
  await lane.launch('/pages/card/index')
  // No session: the card sends the member to the login page, which (release build) offers WeChat only.
  expect(lane.mp.top.route).toBe('pages/login/index')
  expect(lane.find('.dev-login-button')).toBeUndefined()

  lane.wx.user = { openid: 'o-weapp-card' }
  await lane.tap('.wechat-login-button')
  await lane.agreePrivacyIfAsked()
  await lane.waitFor('.member-code-digits')
  await lane.settle()

  expect(lane.api.wechat.requests).toContain('/sns/jscode2session')
  expect(lane.wx.toasts).toContain('欢迎加入会员')
  const card = (await lane.api.http.get('/api/me/card').set(bearer(lane.memberToken()))).body
  expect(lane.mp.top.route).toBe('pages/card/index')
  expect(lane.text('.card-member-no').replace(/\s/g, '')).toBe(card.memberNo)
  expect(lane.text('.card-points')).toBe(String(lane.api.config.welcomeGift.points))
  expect(lane.text('.card-tier')).toBe(card.tier.name)

  const server = (await lane.api.http.get('/api/me/member-code').set(bearer(lane.memberToken()))).body
  expect(lane.text('.member-code-digits').replace(/\s/g, '')).toBe(server.code)
  expect(attr('.member-qr', 'src')).toMatch(/^data:image\/svg\+xml;base64,/)
  expect(svgOf(attr('.member-qr', 'src'))).toMatch(/^<svg[^>]*>.*<path|<rect/s)
  expect(attr('.member-barcode', 'src')).toMatch(/^data:image\/svg\+xml;base64,/)
  // A first login agrees to the privacy guide (docs/privacy.md) before the card.
  expect(lane.network.sent).toEqual([
    'POST /api/auth/wechat-login',
    'GET /api/me/privacy/consent',
    'POST /api/me/privacy/consent',
    'GET /api/me/card',
    'GET /api/me/member-code',
  ])
})

it('the member code rotates when its 30 s step ends (test clock) and costs one small setData', async () => {
  // The countdown ticks once a second in real time.
  const tick = await lane.measure('member-code countdown tick', () => new Promise((r) => setTimeout(r, 1100)))
  expect(tick.calls).toBeGreaterThanOrEqual(1)

  // Timers the card sets from here on are fake; the clock and the network stay real.
  await lane.tap('.card-to-wallet')
  await lane.waitFor('.wallet-balance')
  await lane.settle()
  jest.useFakeTimers({
    advanceTimers: true,
    doNotFake: ['Date', 'nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
  })
  try {
    await lane.back()
    const before = lane.text('.member-code-digits')
    const qrBefore = attr('.member-qr', 'src')
    const sentBefore = lane.network.sent.length

    lane.api.clock.advance(30_000)
    const refresh = await lane.measure('member-code refresh', async () => {
      jest.advanceTimersByTime(30_000)
      await lane.waitFor('.member-code-digits', (n) => n.dom.textContent !== before)
    })
    expect(lane.network.sent.slice(sentBefore)).toEqual(['GET /api/me/member-code'])
    const server = (await lane.api.http.get('/api/me/member-code').set(bearer(lane.memberToken()))).body
    expect(lane.text('.member-code-digits').replace(/\s/g, '')).toBe(server.code)
    expect(attr('.member-qr', 'src')).not.toBe(qrBefore)
    expect(refresh.calls).toBeLessThanOrEqual(2)
    // Hidden pages make no requests: leave the card before the fake timers go.
    await lane.tap('.card-to-wallet')
    await lane.settle()
  } finally {
    jest.useRealTimers()
  }
  await lane.back()
})

it('binds the phone number through the getPhoneNumber button (weapp only)', async () => {
  const button = await lane.waitFor('.phone-row__bind')
  expect(button.dom.getAttribute('open-type')).toBe('getPhoneNumber')
  const code = lane.api.wechat.phoneCode('13912345678')
  button.dispatchEvent('getphonenumber', { detail: { code, errMsg: 'getPhoneNumber:ok' } })
  await lane.waitFor('.phone-row__value')
  await lane.settle()
  expect(lane.text('.phone-row__value')).toMatch(/^139\*{4}5678$/)
  expect(lane.wx.toasts).toContain('绑定成功')
})
