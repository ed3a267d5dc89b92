import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'

/**
 * A local stand-in for WeChat's server API (api.weixin.qq.com), speaking its wire format and
 * error codes: jscode2session (40029 invalid, 40163 used, 45011 rate limit, -1 busy),
 * cgi-bin/token, getuserphonenumber and subscribe/send. Tests mint codes, then log in with them.
 */
export interface StubUser {
  openid: string
  unionid?: string
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
  subscribeMessages: unknown[]
  requests: string[]
  close(): Promise<void>
}

export async function startWechatStub(): Promise<WechatStub> {
  const appId = 'wx-test-appid'
  const secret = 'wx-test-secret'
  const loginCodes = new Map<string, StubUser>()
  const usedCodes = new Set<string>()
  const phoneCodes = new Map<string, string>()
  const accessTokens = new Set<string>()
  const sessionKeys: string[] = []
  const subscribeMessages: unknown[] = []
  const requests: string[] = []
  let nextLoginError: number | null = null

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub')
    requests.push(url.pathname)
    const reply = (body: object) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const q = url.searchParams
    if (url.pathname === '/sns/jscode2session') {
      if (q.get('appid') !== appId || q.get('secret') !== secret) return reply({ errcode: 40125, errmsg: 'invalid appsecret' })
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
    if (url.pathname === '/cgi-bin/token') {
      if (q.get('appid') !== appId || q.get('secret') !== secret) return reply({ errcode: 40013, errmsg: 'invalid appid' })
      const token = `AT_${randomBytes(8).toString('hex')}`
      accessTokens.add(token)
      return reply({ access_token: token, expires_in: 7200 })
    }
    if (url.pathname === '/wxa/business/getuserphonenumber') {
      if (!accessTokens.has(q.get('access_token') ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential' })
      const body = (await readJson(req)) as { code?: string }
      const phone = phoneCodes.get(body.code ?? '')
      if (!phone) return reply({ errcode: 40029, errmsg: 'invalid code' })
      phoneCodes.delete(body.code!)
      return reply({
        errcode: 0,
        errmsg: 'ok',
        phone_info: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: { appid: appId, timestamp: 0 } },
      })
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send') {
      if (!accessTokens.has(q.get('access_token') ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential' })
      subscribeMessages.push(await readJson(req))
      return reply({ errcode: 0, errmsg: 'ok' })
    }
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
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      try {
        resolve(JSON.parse(data || '{}'))
      } catch {
        resolve({})
      }
    })
  })
}
