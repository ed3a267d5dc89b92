import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import { createApp } from '../../server/src/app'
import { wechatTokenModel } from '../../server/src/modules/wechat/access-token'
import { createWechatClient, type WechatClient } from '../../server/src/modules/wechat/wechat-client'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'

/**
 * WeChat's access token is one per app: every server process uses the one stored in the database,
 * one process fetches it (cgi-bin/stable_token) under a lease taken by a unique insert, and a token
 * WeChat refuses (40001 not current, 42001 expired) is replaced once, for all, and the call retried once.
 */
let api: TestApi
let phones = 0

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

/** Another server process's WeChat client: same database, its own memory (and clock, if given). */
const processClient = (nowMs?: () => number): WechatClient => createWechatClient(api.config.wechat, api.conn, nowMs)
const phone = () => `1370000${String(++phones).padStart(4, '0')}`
const tokenCalls = () => api.wechat.stableTokenCalls.length
const UNAVAILABLE = { code: 'AUTH.WECHAT_UNAVAILABLE' }
const bindPhone = (http: ReturnType<typeof request>, token: string, number: string) =>
  http
    .post('/api/me/phone')
    .set(bearer(token))
    .send({ code: api.wechat.phoneCode(number) })

/** Each client asks WeChat for `n` phone numbers at once; all must come back. */
async function phonesAtOnce(clients: WechatClient[], n: number): Promise<void> {
  const asks = clients.flatMap((client) =>
    Array.from({ length: n }, async () => {
      const number = phone()
      expect(await client.getPhoneNumber(api.wechat.phoneCode(number))).toBe(number)
    }),
  )
  await Promise.all(asks)
}

afterEach(() => api.wechat.setLatency(0))

it('two server processes starting at once fetch one token between them, from stable_token', async () => {
  api.wechat.setLatency(30) // WeChat's answer takes a while: both processes are waiting for a token at once
  await phonesAtOnce([processClient(), processClient()], 10)
  expect(api.wechat.stableTokenCalls).toEqual([expect.objectContaining({ forceRefresh: false })])
  expect(api.wechat.requests).not.toContain('/cgi-bin/token')

  // A process started later reads the stored token instead of fetching one.
  await phonesAtOnce([processClient()], 1)
  expect(tokenCalls()).toBe(1)
  const rows = await wechatTokenModel(api.conn).find({}).lean()
  expect(rows.filter((r) => r.token).map((r) => r._id)).toEqual(['wechat-token:1'])
})

it('40001 (another holder force-refreshed it): one process force-refreshes, each call is retried once', async () => {
  const [a, b] = [processClient(), processClient()]
  await phonesAtOnce([a, b], 1) // both hold the current token in memory
  const before = tokenCalls()
  api.wechat.rotateAccessToken()
  api.wechat.setLatency(30)
  await phonesAtOnce([a, b], 8)
  expect(api.wechat.stableTokenCalls.slice(before)).toEqual([expect.objectContaining({ forceRefresh: true })])

  // Through the app too: the phone binding route answers as if nothing had happened.
  api.wechat.setLatency(0)
  api.wechat.rotateAccessToken()
  const member = await api.loginMember('token-phone')
  const bound = await bindPhone(api.http, member.accessToken, '13900001111')
  expect(bound.status).toBe(200)
  expect(api.wechat.stableTokenCalls.slice(before)).toHaveLength(2)
})

it('42001 (expired): renewed in normal mode, once, and the call retried', async () => {
  const [a, b] = [processClient(), processClient()]
  await phonesAtOnce([a, b], 1)
  const before = tokenCalls()
  api.wechat.expireAccessTokens()
  await phonesAtOnce([a, b], 5)
  expect(api.wechat.stableTokenCalls.slice(before)).toEqual([expect.objectContaining({ forceRefresh: false })])
})

it('a call refused twice is not retried again', async () => {
  const client = processClient()
  await phonesAtOnce([client], 1)
  const before = api.wechat.requests.filter((p) => p === '/wxa/business/getuserphonenumber').length
  api.wechat.refuseAllTokens(true) // the fresh token too, as for an app whose secret was reset elsewhere
  try {
    await expect(client.getPhoneNumber(api.wechat.phoneCode(phone()))).rejects.toMatchObject(UNAVAILABLE)
  } finally {
    api.wechat.refuseAllTokens(false)
  }
  expect(api.wechat.requests.filter((p) => p === '/wxa/business/getuserphonenumber').length - before).toBe(2)
})

it('a token due for renewal is renewed by one process; the others use it', async () => {
  await phonesAtOnce([processClient()], 1)
  const before = tokenCalls()
  // Two processes whose clocks say the stored token has under 5 minutes left.
  const late = () => Date.now() + (7200 - 200) * 1000
  api.wechat.setLatency(30)
  await phonesAtOnce([processClient(late), processClient(late)], 6)
  expect(tokenCalls() - before).toBe(1)
})

it('a failed fetch gives its lease back: the next call fetches at once', async () => {
  api.wechat.expireAccessTokens()
  const client = processClient()
  api.wechat.failNextStableToken(-1)
  await expect(client.getPhoneNumber(api.wechat.phoneCode(phone()))).rejects.toMatchObject(UNAVAILABLE)
  const started = Date.now()
  await phonesAtOnce([client], 1)
  expect(Date.now() - started).toBeLessThan(2_000) // not after the 10 s a dead holder's lease lasts
})

it('an app on another process serves member routes with the shared token', async () => {
  const logger = pino({ level: 'silent' })
  const { app } = createApp({ config: api.config, conn: api.conn, wechat: processClient(), logger, now: api.clock.now })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  try {
    const before = tokenCalls()
    const elsewhere = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    const member = await api.loginMember('token-elsewhere')
    const res = await bindPhone(elsewhere, member.accessToken, '13900002222')
    expect(res.status).toBe(200)
    expect(tokenCalls()).toBe(before)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

it('never lets an access token out: not in responses, not in logs', async () => {
  const member = await api.loginMember('token-secret')
  const res = await bindPhone(api.http, member.accessToken, '13900003333')
  const everything = JSON.stringify(res.body) + JSON.stringify(res.headers) + api.logs.join('\n')
  expect(api.wechat.accessTokens().length).toBeGreaterThan(0)
  for (const token of api.wechat.accessTokens()) expect(everything).not.toContain(token)
})
