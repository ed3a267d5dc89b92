import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import { inviteCodeImage, type InviteCodeImage } from '@mall/shared'
import { createApp } from '../../server/src/app'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'

/**
 * The invite as a mini-program code (getwxacodeunlimit): served by a member route so the access
 * token never leaves the server, drawn by WeChat once per invite code (kept in the database), and
 * scanned it opens the card page with the invite code as `scene`, which attributes the friend like
 * the invite link does.
 */
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

const wxaCalls = () => api.wechat.wxaCodeRequests.length
const codeOf = (token: string) => api.http.get('/api/me/invites/wxacode').set(bearer(token))
const inviteCodeOf = async (token: string): Promise<string> =>
  (await api.http.get('/api/me/invites').set(bearer(token))).body.inviteCode

/** What the stub drew: the scene and page between the JPEG markers. */
function drawn(body: InviteCodeImage): { scene: string; page: string } {
  const bytes = Buffer.from(body.image.slice(body.image.indexOf(',') + 1), 'base64')
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
  return JSON.parse(bytes.subarray(4, bytes.length - 2).toString('utf8'))
}

it("serves the member's invite as a mini-program code for the card page, with the invite code as scene", async () => {
  const member = await api.loginMember('wxa-inviter')
  const inviteCode = await inviteCodeOf(member.accessToken)
  const res = await codeOf(member.accessToken)
  expect(res.status).toBe(200)
  const body = inviteCodeImage.parse(res.body)
  expect(body).toMatchObject({ inviteCode, page: 'pages/card/index' })
  expect(body.image).toMatch(/^data:image\/jpeg;base64,/)
  expect(drawn(body)).toEqual({ scene: inviteCode, page: 'pages/card/index' })
  expect(api.wechat.wxaCodeRequests.at(-1)).toEqual({
    scene: inviteCode,
    page: 'pages/card/index',
    check_path: false,
    env_version: 'develop',
  })
})

it(
  'asks WeChat once per invite code: repeats, concurrent ' + 'first asks, other processes read the stored one',
  async () => {
    const member = await api.loginMember('wxa-repeat')
    const before = wxaCalls()
    api.wechat.setLatency(30)
    try {
      const first = await Promise.all(Array.from({ length: 8 }, () => codeOf(member.accessToken)))
      expect(first.every((r) => r.status === 200 && r.body.image === first[0]!.body.image)).toBe(true)
    } finally {
      api.wechat.setLatency(0)
    }
    expect(wxaCalls() - before).toBe(1)

    const wechat = createWechatClient(api.config.wechat, api.conn)
    const logger = pino({ level: 'silent' })
    const { app } = createApp({ config: api.config, conn: api.conn, wechat, logger, now: api.clock.now })
    const server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', resolve))
    try {
      const elsewhere = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      const there = await elsewhere.get('/api/me/invites/wxacode').set(bearer(member.accessToken))
      expect(there.status).toBe(200)
      expect(await codeOf(member.accessToken).then((r) => r.status)).toBe(200)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
    expect(wxaCalls() - before).toBe(1)
  },
)

it('answers 503 when WeChat refuses to draw (quota), keeps nothing, and draws on the next request', async () => {
  const member = await api.loginMember('wxa-quota')
  api.wechat.failNextWxaCode(45009)
  const refused = await codeOf(member.accessToken)
  expect(refused.status).toBe(503)
  expect(refused.body.error.code).toBe('AUTH.WECHAT_UNAVAILABLE')
  const again = await codeOf(member.accessToken)
  expect(again.status).toBe(200)
  expect(drawn(again.body).scene).toBe(await inviteCodeOf(member.accessToken))
})

it('retries once with a new token when WeChat says the token is not current (40001)', async () => {
  const member = await api.loginMember('wxa-rotated')
  await codeOf((await api.loginMember('wxa-warm')).accessToken) // a token in use
  const tokens = api.wechat.stableTokenCalls.length
  api.wechat.rotateAccessToken()
  const res = await codeOf(member.accessToken)
  expect(res.status).toBe(200)
  expect(api.wechat.stableTokenCalls.slice(tokens)).toEqual([expect.objectContaining({ forceRefresh: true })])
})

it('a friend who opens the code (scene = invite code) is attributed like one who opened the invite link', async () => {
  const inviter = await api.loginMember('wxa-attribution')
  const { scene } = drawn((await codeOf(inviter.accessToken)).body)
  // WeChat hands the landing page `scene` URL-encoded; the mini-program decodes it and sends it as `inviter`.
  const fromScene = decodeURIComponent(encodeURIComponent(scene))
  const code = api.wechat.loginCode({ openid: 'o-wxa-friend' })
  const friend = await api.http.post('/api/auth/wechat-login').send({ code, inviter: fromScene })
  expect(friend.status).toBe(200)
  const summary = await api.http.get('/api/me/invites').set(bearer(inviter.accessToken))
  expect(summary.body.totals.invited).toBe(1)
})

it('never lets the access token out: not in responses, not in logs', async () => {
  const member = await api.loginMember('wxa-secret')
  const res = await codeOf(member.accessToken)
  const everything = JSON.stringify(res.body) + JSON.stringify(res.headers) + api.logs.join('\n')
  expect(api.wechat.accessTokens().length).toBeGreaterThan(0)
  for (const token of api.wechat.accessTokens()) expect(everything).not.toContain(token)
  expect(everything).not.toContain('access_token')
})
