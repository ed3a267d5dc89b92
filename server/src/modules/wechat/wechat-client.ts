import type { Connection } from 'mongoose'
import { DomainError } from '../../errors/domain-error'
import { SharedAccessToken, wechatTokenModel, type AccessToken } from './access-token'

/**
 * The small part of WeChat's server API we use, behind a configurable base URL so tests talk to a
 * local stub that speaks the same protocol. session_key is returned to the caller (the auth
 * service stores it server-side) and is never logged; the access token is shared by every server
 * process through the database (access-token.ts) and never leaves this module: errors carry only
 * errcode and the API's name, never a URL (it holds the token).
 */
export interface WechatSession {
  openid: string
  unionid: string | null
  sessionKey: string
}

export interface SubscribeMessage {
  openid: string
  templateId: string
  page?: string
  data: Record<string, { value: string }>
  /** which build the message opens: formal (release), trial or developer */
  miniprogramState?: 'formal' | 'trial' | 'developer'
}

export interface WxaCodeRequest {
  /** up to 32 visible characters; the landing page receives it as `scene` */
  scene: string
  page: string
  envVersion: 'release' | 'trial' | 'develop'
}

export interface WechatClient {
  code2Session(code: string): Promise<WechatSession>
  getPhoneNumber(code: string): Promise<string>
  /** throws WechatApiError with WeChat's errcode (43101: the user's one-time quota is used up) */
  sendSubscribeMessage(msg: SubscribeMessage): Promise<void>
  /** a mini-program code (小程序码) for `page?scene=`; throws WechatApiError */
  getUnlimitedWxaCode(req: WxaCodeRequest): Promise<{ contentType: string; data: Buffer }>
}

/** WeChat answered with an errcode (503 to a caller that lets it through). */
export class WechatApiError extends DomainError {
  constructor(
    readonly api: string,
    readonly errcode: number,
  ) {
    super('AUTH.WECHAT_UNAVAILABLE', `WeChat ${api} error ${errcode}`)
  }
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

type Init = { method?: string; body?: unknown }

/** 40001: not the current token (another holder force-refreshed it); 42001: expired. */
const TOKEN_REFUSED = new Set([40001, 42001])

export interface WechatClientConfig {
  apiBase: string
  appId: string
  secret: string
  timeoutMs: number
}

/** `conn`: where the shared access token lives; `nowMs`: the clock its expiry is kept by. */
export function createWechatClient(
  cfg: WechatClientConfig,
  conn: Connection,
  nowMs: () => number = Date.now,
): WechatClient {
  async function send(path: string, init?: Init): Promise<Response> {
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
    return res
  }

  async function call<T extends WechatErrorReply>(path: string, init?: Init): Promise<T> {
    const res = await send(path, init)
    try {
      return (await res.json()) as T
    } catch {
      throw new DomainError('AUTH.WECHAT_UNAVAILABLE', 'WeChat API answered with non-JSON')
    }
  }

  const accessToken = new SharedAccessToken(
    wechatTokenModel(conn),
    async (forceRefresh) => {
      type TokenReply = WechatErrorReply & { access_token?: string; expires_in?: number }
      const reply = await call<TokenReply>('/cgi-bin/stable_token', {
        method: 'POST',
        body: { grant_type: 'client_credential', appid: cfg.appId, secret: cfg.secret, force_refresh: forceRefresh },
      })
      if (!reply.access_token) throw new WechatApiError('stable_token', reply.errcode ?? -1)
      return { token: reply.access_token, expiresIn: reply.expires_in ?? 7200 }
    },
    nowMs,
  )

  /**
   * A call authenticated by the access token. WeChat refusing the token (40001/42001) gets the token
   * replaced once, for every process (see access-token.ts), and the call retried once.
   */
  async function withToken<T>(attempt: (token: string) => Promise<{ errcode: number } | { value: T }>): Promise<T> {
    let token: AccessToken = await accessToken.get()
    for (let retried = false; ; retried = true) {
      const outcome = await attempt(encodeURIComponent(token.value))
      if ('value' in outcome) return outcome.value
      if (retried || !TOKEN_REFUSED.has(outcome.errcode)) throw new TokenCallFailed(outcome.errcode)
      token = await accessToken.replace(token, outcome.errcode)
    }
  }

  function codeError(reply: WechatErrorReply): DomainError {
    const known = reply.errcode !== undefined ? CODE_ERRORS[reply.errcode] : undefined
    if (known) return known
    if (reply.errcode === -1) return new DomainError('AUTH.WECHAT_UNAVAILABLE', 'WeChat system busy (-1)')
    return new DomainError('AUTH.CODE_INVALID', `WeChat error ${reply.errcode}`)
  }

  return {
    async code2Session(code) {
      const grant = { appid: cfg.appId, secret: cfg.secret, js_code: code, grant_type: 'authorization_code' }
      const q = new URLSearchParams(grant)
      const reply = await call<WechatErrorReply & { openid?: string; unionid?: string; session_key?: string }>(
        `/sns/jscode2session?${q}`,
      )
      if (reply.errcode || !reply.openid || !reply.session_key) throw codeError(reply)
      return { openid: reply.openid, unionid: reply.unionid ?? null, sessionKey: reply.session_key }
    },

    async getPhoneNumber(code) {
      try {
        return await withToken<string>(async (token) => {
          const reply = await call<WechatErrorReply & { phone_info?: { purePhoneNumber?: string } }>(
            `/wxa/business/getuserphonenumber?access_token=${token}`,
            { method: 'POST', body: { code } },
          )
          const phone = reply.phone_info?.purePhoneNumber
          return !reply.errcode && phone ? { value: phone } : { errcode: reply.errcode ?? -1 }
        })
      } catch (err) {
        if (!(err instanceof TokenCallFailed)) throw err
        // A token refused even after its replacement is WeChat's trouble, not the member's code.
        throw TOKEN_REFUSED.has(err.errcode) ? new WechatApiError('getuserphonenumber', err.errcode) : codeError(err)
      }
    },

    async sendSubscribeMessage(msg) {
      await withToken<void>(async (token) => {
        const reply = await call<WechatErrorReply>(`/cgi-bin/message/subscribe/send?access_token=${token}`, {
          method: 'POST',
          body: {
            touser: msg.openid,
            template_id: msg.templateId,
            page: msg.page,
            data: msg.data,
            miniprogram_state: msg.miniprogramState,
            lang: 'zh_CN',
          },
        })
        return reply.errcode ? { errcode: reply.errcode } : { value: undefined }
      }).catch(rethrowAs('subscribe/send'))
    },

    async getUnlimitedWxaCode(req) {
      return withToken<{ contentType: string; data: Buffer }>(async (token) => {
        const res = await send(`/wxa/getwxacodeunlimit?access_token=${token}`, {
          method: 'POST',
          body: { scene: req.scene, page: req.page, check_path: false, env_version: req.envVersion },
        })
        // The image, or (with a JSON content type) an error.
        const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
        const data = Buffer.from(await res.arrayBuffer())
        if (contentType.startsWith('image/') && data.length > 0) return { value: { contentType, data } }
        try {
          return { errcode: (JSON.parse(data.toString('utf8')) as WechatErrorReply).errcode ?? -1 }
        } catch {
          return { errcode: -1 }
        }
      }).catch(rethrowAs('getwxacodeunlimit'))
    },
  }
}

/** A call's final errcode, inside this module (each API turns it into its own error). */
class TokenCallFailed extends Error {
  constructor(readonly errcode: number) {
    super(`WeChat error ${errcode}`)
  }
}

const rethrowAs =
  (api: string) =>
  (err: unknown): never => {
    throw err instanceof TokenCallFailed ? new WechatApiError(api, err.errcode) : err
  }
