import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createCipheriv,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto'

/**
 * A local stand-in for WeChat Pay APIv3's 智慧商圈 side (api.mch.weixin.qq.com), speaking its protocol:
 * it makes a platform key pair (notifications' Wechatpay-Signature, serial STUBPLATFORM1), a merchant
 * key pair for the server (its Authorization signatures, checked here) and an APIv3 key (resources,
 * AEAD_AES_256_GCM). It serves 商圈会员积分同步 (204; 401 SIGN_ERROR, 400 PARAM_ERROR, or the failures a
 * test asks for), 授权查询 and 待积分状态查询, and delivers notifications, also on WeChat's retry
 * schedule on a compressed clock.
 */
export const RETRY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]
export const PLATFORM_SERIAL = 'STUBPLATFORM1'
export const MCHID = '1900000001'

export interface Notification {
  body: string
  headers: Record<string, string>
}
export interface NotifyOptions {
  /** sign with a key WeChat does not have */
  badSignature?: boolean
  serial?: string
  /** Unix seconds; default the clock's now */
  timestamp?: number
  nonce?: string
  /** flip a byte of the ciphertext before signing (the signature is then valid) */
  tamperCiphertext?: boolean
}

export interface WechatPayStub {
  baseUrl: string
  apiV3Key: string
  /** config overrides that point the server at this stub with its keys */
  env(): Record<string, string>
  notification(eventType: string, resource: object, opts?: NotifyOptions): Notification
  /** POSTs a notification to the server (url = its full callback URL) */
  deliver(url: string, n: Notification): Promise<{ status: number; body: unknown }>
  /** delivers until a 2xx, waiting WeChat's intervals divided by `compress`; each retry freshly signed */
  deliverWithRetries(
    url: string,
    build: () => Notification,
    compress: number,
    onAttempt?: (n: number) => Promise<void>,
  ): Promise<{ attempts: number[]; statuses: number[] }>
  /** syncs WeChat accepted (bodies), and every sync request with its answer */
  syncs: Record<string, unknown>[]
  syncCalls: { status: number; body: Record<string, unknown> }[]
  /** the next `count` syncs answer `status` with this code */
  failNextSyncs(count: number, status?: number, code?: string): void
  /** syncs wait unanswered from now until release() (a job caught calling WeChat); held: how many wait */
  holdSyncs(): { held(): number; release(): void }
  setAuthorization(openid: string, state: 'AUTHORIZED' | 'DEAUTHORIZED' | 'UNAUTHORIZED'): void
  /** 待积分状态查询 answers PENDING for this member (payments whose points WeChat has not committed yet) */
  setPendingPoints(openid: string, pending: boolean): void
  /** how answers are signed: by the platform key (as WeChat), by a stranger's key, or not at all */
  signResponses(mode: 'platform' | 'stranger' | 'none'): void
  close(): Promise<void>
}

function pem(key: KeyObject, type: 'spki' | 'pkcs8'): string {
  return key.export({ type, format: 'pem' }).toString()
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => resolve(data))
  })
}

export async function startWechatPayStub(now: () => Date = () => new Date()): Promise<WechatPayStub> {
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const apiV3Key = randomBytes(16).toString('hex')
  const merchantSerial = 'STUBMERCHANT1'
  const syncs: Record<string, unknown>[] = []
  const syncCalls: { status: number; body: Record<string, unknown> }[] = []
  const authorizations = new Map<string, { state: string; at: Date }>()
  const pendingPoints = new Set<string>()
  let failures: { count: number; status: number; code: string } = { count: 0, status: 500, code: 'SYSTEM_ERROR' }
  let responseSigning: 'platform' | 'stranger' | 'none' = 'platform'
  let syncsHeld: Promise<void> | null = null
  let syncsWaiting = 0

  /** Checks the server's Authorization header as WeChat Pay does; null when it is good. */
  const authError = (req: IncomingMessage, body: string): string | null => {
    const header = req.headers.authorization ?? ''
    const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(header)
    if (!m) return 'missing or malformed Authorization'
    const fields = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (fields.mchid !== MCHID || fields.serial_no !== merchantSerial) return 'unknown mchid or serial_no'
    if (Math.abs(now().getTime() / 1000 - Number(fields.timestamp)) > 300) return 'timestamp expired'
    const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`
    return createVerify('RSA-SHA256')
      .update(message)
      .verify(merchant.publicKey, fields.signature ?? '', 'base64')
      ? null
      : 'signature mismatch'
  }

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const answer = (status: number, json?: object) => {
      // WeChat Pay signs its answers like its notifications: timestamp\nnonce\nbody\n, platform key.
      const text = json ? JSON.stringify(json) : ''
      const timestamp = String(Math.floor(now().getTime() / 1000))
      const nonce = randomBytes(16).toString('hex')
      const key = responseSigning === 'stranger' ? stranger.privateKey : platform.privateKey
      const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${text}\n`).sign(key, 'base64')
      const signed =
        responseSigning === 'none'
          ? {}
          : {
              'Wechatpay-Timestamp': timestamp,
              'Wechatpay-Nonce': nonce,
              'Wechatpay-Signature': signature,
              'Wechatpay-Serial': PLATFORM_SERIAL,
            }
      res.writeHead(status, { ...(json ? { 'content-type': 'application/json' } : {}), ...signed })
      res.end(text || undefined)
    }
    const problem = authError(req, body)
    if (problem) return answer(401, { code: 'SIGN_ERROR', message: problem })
    const url = new URL(req.url ?? '/', 'http://stub')
    if (req.method === 'POST' && url.pathname === '/v3/businesscircle/points/notify') {
      if (syncsHeld) {
        syncsWaiting++
        await syncsHeld
        syncsWaiting--
      }
      let parsed: Record<string, unknown> = {}
      try {
        parsed = JSON.parse(body) as Record<string, unknown>
      } catch {
        /* answered below */
      }
      const required = [
        'transaction_id',
        'appid',
        'openid',
        'earn_points',
        'increased_points',
        'points_update_time',
        'total_points',
      ]
      if (
        required.some((k) => parsed[k] === undefined) ||
        (parsed.earn_points === false && !parsed.no_points_remarks)
      ) {
        syncCalls.push({ status: 400, body: parsed })
        return answer(400, { code: 'PARAM_ERROR', message: '参数错误' })
      }
      if (failures.count > 0) {
        failures.count--
        syncCalls.push({ status: failures.status, body: parsed })
        return answer(failures.status, { code: failures.code, message: '系统错误' })
      }
      syncCalls.push({ status: 204, body: parsed })
      syncs.push(parsed)
      return answer(204)
    }
    const auth = /^\/v3\/businesscircle\/user-authorizations\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && auth) {
      const openid = decodeURIComponent(auth[1]!)
      const known = authorizations.get(openid)
      if (!known) return answer(200, { openid, authorize_state: 'UNAUTHORIZED' })
      return answer(200, { openid, authorize_state: known.state, authorize_time: known.at.toISOString() })
    }
    const pending = /^\/v3\/businesscircle\/users\/([^/]+)\/points\/commit_status$/.exec(url.pathname)
    if (req.method === 'GET' && pending)
      return answer(200, {
        openid: decodeURIComponent(pending[1]!),
        pending_status: pendingPoints.has(decodeURIComponent(pending[1]!)) ? 'PENDING' : 'NO_PENDING',
      })
    answer(404, { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书' })
  })
  server.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const notification = (eventType: string, resource: object, opts: NotifyOptions = {}): Notification => {
    const nonce12 = randomBytes(6).toString('hex')
    const aad = eventType.startsWith('MALL_REFUND') ? 'mall_refund' : 'mall_transaction'
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce12, 'utf8'))
    cipher.setAAD(Buffer.from(aad, 'utf8'))
    const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()])
    if (opts.tamperCiphertext) data[3] = data[3]! ^ 0x01
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: now().toISOString(),
      event_type: eventType,
      resource_type: 'encrypt-resource',
      summary: '通知',
      resource: {
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: data.toString('base64'),
        associated_data: aad,
        original_type: 'transaction',
        nonce: nonce12,
      },
    })
    const timestamp = String(opts.timestamp ?? Math.floor(now().getTime() / 1000))
    const nonce = opts.nonce ?? randomBytes(16).toString('hex')
    const signature = createSign('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .sign(opts.badSignature ? stranger.privateKey : platform.privateKey, 'base64')
    return {
      body,
      headers: {
        'Content-Type': 'application/json',
        'Wechatpay-Timestamp': timestamp,
        'Wechatpay-Nonce': nonce,
        'Wechatpay-Signature': signature,
        'Wechatpay-Serial': opts.serial ?? PLATFORM_SERIAL,
      },
    }
  }

  const deliver = async (url: string, n: Notification) => {
    const res = await fetch(url, { method: 'POST', headers: n.headers, body: n.body })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
  }

  return {
    baseUrl,
    apiV3Key,
    env: () => ({
      WECHAT_PAY_MCHID: MCHID,
      WECHAT_PAY_APIV3_KEY: apiV3Key,
      WECHAT_PAY_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8'),
      WECHAT_PAY_CERT_SERIAL: merchantSerial,
      WECHAT_PAY_PLATFORM_KEYS: JSON.stringify({ [PLATFORM_SERIAL]: pem(platform.publicKey, 'spki') }),
      WECHAT_PAY_API_BASE: baseUrl,
    }),
    notification,
    deliver,
    async deliverWithRetries(url, build, compress, onAttempt) {
      const attempts: number[] = []
      const statuses: number[] = []
      const start = Date.now()
      for (let i = 0; i <= RETRY_SCHEDULE_S.length; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, (RETRY_SCHEDULE_S[i - 1]! * 1000) / compress))
        await onAttempt?.(i + 1)
        attempts.push(Date.now() - start)
        const { status } = await deliver(url, build())
        statuses.push(status)
        if (status >= 200 && status < 300) break
      }
      return { attempts, statuses }
    },
    syncs,
    syncCalls,
    failNextSyncs(count, status = 500, code = 'SYSTEM_ERROR') {
      failures = { count, status, code }
    },
    holdSyncs() {
      let release!: () => void
      syncsHeld = new Promise<void>((resolve) => (release = resolve))
      return {
        held: () => syncsWaiting,
        release: () => {
          syncsHeld = null
          release()
        },
      }
    },
    signResponses(mode) {
      responseSigning = mode
    },
    setPendingPoints(openid, pending) {
      if (pending) pendingPoints.add(openid)
      else pendingPoints.delete(openid)
    },
    setAuthorization(openid, state) {
      authorizations.set(openid, { state, at: now() })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
