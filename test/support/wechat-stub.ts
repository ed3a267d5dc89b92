import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { TOKEN_ERRMSG, fakeWxaCode, json, readJson, subscribeDataError, wxaCodeError } from './wechat-protocol'

/**
 * A local stand-in for WeChat's server API (api.weixin.qq.com), speaking its wire format and
 * error codes: jscode2session (40029 invalid, 40163 used, 45011 rate limit, -1 busy), the stable
 * access token (cgi-bin/stable_token: normal mode hands out the current token and a new one in its
 * last 5 minutes, force_refresh replaces it at most once per 30 s), getuserphonenumber,
 * getwxacodeunlimit (image bytes, or a JSON error) and subscribe/send (43101 when the user's
 * one-time quota for the template is used up; 47003 for a value over its field's limit). Calls
 * with a token answer 41001 (missing), 40001 (not a current token) or 42001 (expired).
 * Tests mint codes, then log in with them.
 */
export interface StubUser {
  openid: string
  unionid?: string
}

export interface StableTokenCall {
  forceRefresh: boolean
  at: number
}

export interface WechatStub {
  baseUrl: string
  appId: string
  secret: string
  /** a fresh login code for this user, valid once */
  loginCode(user: StubUser): string
  /** a fresh getPhoneNumber code returning this number, valid once */
  phoneCode(phone: string): string
  /** the next jscode2session call answers with this errcode */
  failNextLogin(errcode: number): void
  /** every session_key the stub handed out (tests grep responses and logs for them) */
  sessionKeys: string[]
  /** subscribe messages WeChat accepted (43101 and other refusals are not in it) */
  subscribeMessages: unknown[]
  /** when each of subscribeMessages was accepted (ms) */
  subscribeMessageTimes: number[]
  requests: string[]
  /** every cgi-bin/stable_token call */
  stableTokenCalls: StableTokenCall[]
  /** the next stable_token call answers with this errcode */
  failNextStableToken(errcode: number): void
  /** every access token handed out (tests grep responses and logs for them) */
  accessTokens(): string[]
  /** another party force-refreshed: the tokens handed out so far answer 40001 from now on */
  rotateAccessToken(): void
  /** the tokens handed out so far answer 42001 from now on */
  expireAccessTokens(): void
  /** while on, every token answers 40001, new ones too (an app whose secret was reset elsewhere) */
  refuseAllTokens(on: boolean): void
  /** every getwxacodeunlimit request body */
  wxaCodeRequests: Record<string, unknown>[]
  /** the next getwxacodeunlimit call answers with this errcode */
  failNextWxaCode(errcode: number): void
  /** the user's one-time subscriptions to a template (unset: unlimited); each accepted send uses one */
  setSubscribeQuota(openid: string, templateId: string, quota: number): void
  /** the next subscribe/send answers with this errcode */
  failNextSend(errcode: number): void
  /** delay every answer (widens the window of races) */
  setLatency(ms: number): void
  close(): Promise<void>
}

const STABLE_TTL_S = 7200
const EARLY_RENEWAL_S = 300
const FORCE_SPACING_MS = 30_000

export async function startWechatStub(): Promise<WechatStub> {
  const appId = 'wx-test-appid'
  const secret = 'wx-test-secret'
  const loginCodes = new Map<string, StubUser>()
  const usedCodes = new Set<string>()
  const phoneCodes = new Map<string, string>()
  /** token → when it stops being valid (ms); a token not in the map is not current (40001) */
  const tokens = new Map<string, number>()
  const handedOut: string[] = []
  let current: { token: string; expiresAt: number } | null = null
  let lastForcedAt = 0
  const sessionKeys: string[] = []
  const subscribeMessages: unknown[] = []
  const subscribeMessageTimes: number[] = []
  const requests: string[] = []
  const stableTokenCalls: StableTokenCall[] = []
  const wxaCodeRequests: Record<string, unknown>[] = []
  const quotas = new Map<string, number>()
  let nextLoginError: number | null = null
  let nextWxaCodeError: number | null = null
  let nextTokenError: number | null = null
  let nextSendError: number | null = null
  let latencyMs = 0
  let refuseAll = false

  const mint = (): { token: string; expiresAt: number } => {
    const token = `AT_${randomBytes(12).toString('hex')}`
    const minted = { token, expiresAt: Date.now() + STABLE_TTL_S * 1000 }
    tokens.set(token, minted.expiresAt)
    return minted
  }

  /** 0 when the query carries a valid token, else the errcode WeChat answers. */
  const tokenError = (q: URLSearchParams): number => {
    const token = q.get('access_token')
    if (!token) return 41001
    if (refuseAll) return 40001
    const expiresAt = tokens.get(token)
    if (expiresAt === undefined) return 40001
    return expiresAt <= Date.now() ? 42001 : 0
  }

  function stableToken(body: Record<string, unknown>): object {
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' }
    if (body.appid !== appId) return { errcode: 40013, errmsg: 'invalid appid' }
    if (body.secret !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
    const force = body.force_refresh === true
    stableTokenCalls.push({ forceRefresh: force, at: Date.now() })
    if (nextTokenError !== null) {
      const errcode = nextTokenError
      nextTokenError = null
      return { errcode, errmsg: 'system error' }
    }
    const now = Date.now()
    if (force && now - lastForcedAt >= FORCE_SPACING_MS) {
      // Forced: the previous token stops working at once.
      if (current) tokens.delete(current.token)
      current = mint()
      lastForcedAt = now
    } else if (!current || current.expiresAt - now <= EARLY_RENEWAL_S * 1000) {
      // Normal mode renews in the token's last 5 minutes; the old one stays valid until it expires.
      current = mint()
    }
    handedOut.push(current.token)
    return { access_token: current.token, expires_in: Math.floor((current.expiresAt - now) / 1000) }
  }

  function wxaCode(res: ServerResponse, body: Record<string, unknown>): void {
    wxaCodeRequests.push(body)
    if (nextWxaCodeError !== null) {
      const errcode = nextWxaCodeError
      nextWxaCodeError = null
      return json(res, { errcode, errmsg: errcode === 45009 ? 'reach max api daily quota limit' : 'system error' })
    }
    const refused = wxaCodeError(body)
    if (refused) return json(res, refused)
    const image = fakeWxaCode(String(body.scene), String(body.page ?? ''))
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length })
    res.end(image)
  }

  function subscribeSend(body: Record<string, unknown>): object {
    if (nextSendError !== null) {
      const errcode = nextSendError
      nextSendError = null
      return { errcode, errmsg: 'system error' }
    }
    const openid = typeof body.touser === 'string' ? body.touser : ''
    const templateId = typeof body.template_id === 'string' ? body.template_id : ''
    if (!openid) return { errcode: 40003, errmsg: 'invalid openid' }
    if (!templateId) return { errcode: 40037, errmsg: 'invalid template_id' }
    const invalid = subscribeDataError(body.data)
    if (invalid) return invalid
    const quotaKey = `${openid}|${templateId}`
    const quota = quotas.get(quotaKey)
    if (quota !== undefined) {
      if (quota <= 0) return { errcode: 43101, errmsg: 'user refuse to accept the msg' }
      quotas.set(quotaKey, quota - 1)
    }
    subscribeMessages.push(body)
    subscribeMessageTimes.push(Date.now())
    return { errcode: 0, errmsg: 'ok' }
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub')
    requests.push(url.pathname)
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    const reply = (body: object) => json(res, body)
    const q = url.searchParams
    if (url.pathname === '/sns/jscode2session') {
      if (q.get('appid') !== appId || q.get('secret') !== secret) {
        return reply({ errcode: 40125, errmsg: 'invalid appsecret' })
      }
      if (nextLoginError !== null) {
        const errcode = nextLoginError
        nextLoginError = null
        return reply({ errcode, errmsg: errcode === 45011 ? 'api minute-quota reach limit' : 'system error' })
      }
      const code = q.get('js_code') ?? ''
      if (usedCodes.has(code)) return reply({ errcode: 40163, errmsg: 'code been used' })
      const user = loginCodes.get(code)
      if (!user) return reply({ errcode: 40029, errmsg: 'invalid code' })
      usedCodes.add(code)
      const sessionKey = randomBytes(16).toString('base64')
      sessionKeys.push(sessionKey)
      return reply({ openid: user.openid, session_key: sessionKey, ...(user.unionid ? { unionid: user.unionid } : {}) })
    }
    if (url.pathname === '/cgi-bin/stable_token') {
      if (req.method !== 'POST') return reply({ errcode: 43002, errmsg: 'require POST method' })
      return reply(stableToken((await readJson(req)) as Record<string, unknown>))
    }
    const needsToken = ['/wxa/business/getuserphonenumber', '/wxa/getwxacodeunlimit', '/cgi-bin/message/subscribe/send']
    if (needsToken.includes(url.pathname)) {
      const errcode = tokenError(q)
      if (errcode) return reply({ errcode, errmsg: TOKEN_ERRMSG[errcode] })
    }
    const body = (await readJson(req)) as Record<string, unknown>
    if (url.pathname === '/wxa/business/getuserphonenumber') {
      const phone = phoneCodes.get(String(body.code ?? ''))
      if (!phone) return reply({ errcode: 40029, errmsg: 'invalid code' })
      phoneCodes.delete(String(body.code))
      return reply({
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: phone,
          purePhoneNumber: phone,
          countryCode: '86',
          watermark: { appid: appId, timestamp: 0 },
        },
      })
    }
    if (url.pathname === '/wxa/getwxacodeunlimit') return wxaCode(res, body)
    if (url.pathname === '/cgi-bin/message/subscribe/send') return reply(subscribeSend(body))
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    appId,
    secret,
    loginCode(user) {
      const code = `code_${randomBytes(12).toString('hex')}`
      loginCodes.set(code, user)
      return code
    },
    phoneCode(phone) {
      const code = `phone_${randomBytes(12).toString('hex')}`
      phoneCodes.set(code, phone)
      return code
    },
    failNextLogin(errcode) {
      nextLoginError = errcode
    },
    sessionKeys,
    subscribeMessages,
    subscribeMessageTimes,
    requests,
    stableTokenCalls,
    failNextStableToken(errcode) {
      nextTokenError = errcode
    },
    accessTokens: () => [...new Set(handedOut)],
    rotateAccessToken() {
      for (const token of tokens.keys()) tokens.delete(token)
      current = mint()
    },
    expireAccessTokens() {
      const now = Date.now()
      for (const token of tokens.keys()) tokens.set(token, now)
      if (current) current.expiresAt = now
    },
    refuseAllTokens(on) {
      refuseAll = on
    },
    wxaCodeRequests,
    failNextWxaCode(errcode) {
      nextWxaCodeError = errcode
    },
    setSubscribeQuota(openid, templateId, quota) {
      quotas.set(`${openid}|${templateId}`, quota)
    },
    failNextSend(errcode) {
      nextSendError = errcode
    },
    setLatency(ms) {
      latencyMs = ms
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
