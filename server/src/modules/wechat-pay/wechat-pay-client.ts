import type { AppConfig } from '@mall/config'
import { authorization, merchantSigner, type MerchantSigner, type PlatformKeys } from './apiv3'

/** What WeChat Pay answered: 2xx, or its error JSON `{code, message}` (none when unreachable). */
export interface WxPayAnswer {
  ok: boolean
  status: number
  code: string | null
  body: Record<string, unknown> | null
}

/** The 商圈会员积分同步 body (pay.weixin.qq.com 智慧商圈 → 商圈会员积分同步). */
export interface PointsSyncPayload {
  transaction_id: string
  appid: string
  openid: string
  earn_points: boolean
  increased_points: number
  points_update_time: string
  no_points_remarks?: string
  /** optional for WeChat; left out for a payer who is not a member */
  total_points?: number
}

/**
 * Calls to WeChat Pay APIv3 for 智慧商圈, signed with our merchant key (apiv3.ts). Only the merchant's
 * serial and the signature leave; the key, the APIv3 key and the answers' bodies are never logged.
 */
export class WechatPayClient {
  private signerMade: MerchantSigner | null = null

  constructor(
    private readonly cfg: AppConfig['wechatPay'],
    private readonly timeoutMs: number,
    /** WeChat signs its answers as it signs notifications: an answer that is not WeChat's is not believed */
    private readonly keys: PlatformKeys,
  ) {}

  /** Made on the first call (a throwaway key outside production costs a key generation). */
  private get signer(): MerchantSigner {
    this.signerMade ??= merchantSigner(this.cfg.mchid, this.cfg.certSerial, this.cfg.privateKey)
    return this.signerMade
  }

  /** 商圈会员积分同步: POST /v3/businesscircle/points/notify (204 when accepted). */
  notifyPoints(payload: PointsSyncPayload, now: Date): Promise<WxPayAnswer> {
    return this.call('POST', '/v3/businesscircle/points/notify', payload, now)
  }

  /** 商圈会员积分服务授权查询: GET /v3/businesscircle/user-authorizations/{openid}?appid=… */
  authorizationOf(openid: string, appid: string, now: Date): Promise<WxPayAnswer> {
    return this.call(
      'GET',
      `/v3/businesscircle/user-authorizations/${encodeURIComponent(openid)}?appid=${encodeURIComponent(appid)}`,
      null,
      now,
    )
  }

  /** 商圈会员待积分状态查询: GET /v3/businesscircle/users/{openid}/points/commit_status?appid=… */
  pendingPointsOf(openid: string, appid: string, now: Date): Promise<WxPayAnswer> {
    return this.call(
      'GET',
      `/v3/businesscircle/users/${encodeURIComponent(openid)}/points/commit_status?appid=${encodeURIComponent(appid)}`,
      null,
      now,
    )
  }

  private async call(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body: object | null,
    now: Date,
  ): Promise<WxPayAnswer> {
    const text = body ? JSON.stringify(body) : ''
    let res: Response
    try {
      res = await fetch(`${this.cfg.apiBase}${pathAndQuery}`, {
        method,
        headers: {
          Authorization: authorization(this.signer, method, pathAndQuery, text, now),
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          'User-Agent': 'mall-loyalty/1.0',
        },
        body: body ? text : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch {
      return { ok: false, status: 0, code: 'UNREACHABLE', body: null }
    }
    const raw = await res.text().catch(() => '')
    let parsed: Record<string, unknown> | null
    try {
      parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : null
    } catch {
      parsed = null
    }
    const ok = res.status >= 200 && res.status < 300
    if (ok && !this.signedByWechat(res, raw, now))
      return { ok: false, status: res.status, code: 'RESPONSE_NOT_SIGNED', body: null }
    return {
      ok,
      status: res.status,
      code: ok ? null : typeof parsed?.code === 'string' ? parsed.code : `HTTP_${res.status}`,
      body: parsed,
    }
  }

  private signedByWechat(res: Response, raw: string, now: Date): boolean {
    const header = (name: string) => res.headers.get(name) ?? ''
    try {
      const signed = { timestamp: header('wechatpay-timestamp'), nonce: header('wechatpay-nonce') }
      this.keys.verify(
        { ...signed, signature: header('wechatpay-signature'), serial: header('wechatpay-serial') },
        raw,
        now,
      )
      return true
    } catch {
      return false
    }
  }
}
