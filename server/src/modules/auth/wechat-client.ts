import { DomainError } from '../../http/domain-error'

/**
 * The small part of WeChat's server API we use, behind a configurable base URL so tests talk to a
 * local stub that speaks the same protocol. session_key is returned to the caller (the auth
 * service stores it server-side) and is never logged: errors carry only errcode/errmsg.
 */
export interface WechatSession {
  openid: string
  unionid: string | null
  sessionKey: string
}

export interface WechatClient {
  code2Session(code: string): Promise<WechatSession>
  getPhoneNumber(code: string): Promise<string>
  sendSubscribeMessage(msg: { openid: string; templateId: string; page?: string; data: Record<string, { value: string }> }): Promise<void>
}

interface WechatErrorReply {
  errcode?: number
  errmsg?: string
}

// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
const CODE_ERRORS: Record<number, DomainError> = {
  40029: new DomainError('AUTH.CODE_INVALID', 'WeChat rejected the login code (40029)'),
  40163: new DomainError('AUTH.CODE_USED', 'WeChat login code already used (40163)'),
  45011: new DomainError('AUTH.WECHAT_RATE_LIMITED', 'WeChat login frequency limit (45011)'),
  40226: new DomainError('AUTH.FORBIDDEN', 'WeChat flagged this user as high risk (40226)'),
}

export function createWechatClient(cfg: { apiBase: string; appId: string; secret: string; timeoutMs: number }): WechatClient {
  let accessToken: { value: string; expiresAt: number } | null = null

  async function call<T extends WechatErrorReply>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
    let res: Response
    try {
      res = await fetch(new URL(path, cfg.apiBase), {
        method: init?.method ?? 'GET',
        headers: init?.body ? { 'content-type': 'application/json' } : undefined,
        body: init?.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(cfg.timeoutMs),
      })
    } catch {
      throw new DomainError('AUTH.WECHAT_UNAVAILABLE', 'WeChat API unreachable')
    }
    if (!res.ok) throw new DomainError('AUTH.WECHAT_UNAVAILABLE', `WeChat API answered HTTP ${res.status}`)
    try {
      return (await res.json()) as T
    } catch {
      throw new DomainError('AUTH.WECHAT_UNAVAILABLE', 'WeChat API answered with non-JSON')
    }
  }

  function codeError(reply: WechatErrorReply): DomainError {
    const known = reply.errcode !== undefined ? CODE_ERRORS[reply.errcode] : undefined
    if (known) return known
    if (reply.errcode === -1) return new DomainError('AUTH.WECHAT_UNAVAILABLE', 'WeChat system busy (-1)')
    return new DomainError('AUTH.CODE_INVALID', `WeChat error ${reply.errcode}`)
  }

  async function getAccessToken(): Promise<string> {
    if (accessToken && accessToken.expiresAt > Date.now()) return accessToken.value
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: cfg.appId, secret: cfg.secret })
    const reply = await call<WechatErrorReply & { access_token?: string; expires_in?: number }>(`/cgi-bin/token?${q}`)
    if (!reply.access_token) throw new DomainError('AUTH.WECHAT_UNAVAILABLE', `WeChat token error ${reply.errcode}`)
    // Refresh five minutes early so a token never expires mid-request.
    accessToken = { value: reply.access_token, expiresAt: Date.now() + ((reply.expires_in ?? 7200) - 300) * 1000 }
    return accessToken.value
  }

  return {
    async code2Session(code) {
      const q = new URLSearchParams({ appid: cfg.appId, secret: cfg.secret, js_code: code, grant_type: 'authorization_code' })
      const reply = await call<WechatErrorReply & { openid?: string; unionid?: string; session_key?: string }>(
        `/sns/jscode2session?${q}`,
      )
      if (reply.errcode || !reply.openid || !reply.session_key) throw codeError(reply)
      return { openid: reply.openid, unionid: reply.unionid ?? null, sessionKey: reply.session_key }
    },

    async getPhoneNumber(code) {
      const token = await getAccessToken()
      const reply = await call<WechatErrorReply & { phone_info?: { purePhoneNumber?: string } }>(
        `/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`,
        { method: 'POST', body: { code } },
      )
      if (reply.errcode || !reply.phone_info?.purePhoneNumber) throw codeError(reply)
      return reply.phone_info.purePhoneNumber
    },

    async sendSubscribeMessage(msg) {
      const token = await getAccessToken()
      const reply = await call<WechatErrorReply>(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        body: { touser: msg.openid, template_id: msg.templateId, page: msg.page, data: msg.data },
      })
      if (reply.errcode) throw new DomainError('AUTH.WECHAT_UNAVAILABLE', `WeChat subscribe message error ${reply.errcode}`)
    },
  }
}
