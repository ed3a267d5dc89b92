import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { notificationFresh } from '@mall/shared'

/**
 * WeChat Pay APIv3's signatures and encryption, on node:crypto (docs/wechat-pay.md says why no SDK:
 * wechatpay-axios-plugin and wechatpay-node-v3 each bring an HTTP client and their own certificate
 * handling for the three operations below, ~60 lines here, and neither verifies the timestamp window
 * or nonce replay for us):
 * - a notification's `Wechatpay-Signature` is RSA-SHA256 (PKCS#1 v1.5) over `timestamp\nnonce\nbody\n`,
 *   by the platform key `Wechatpay-Serial` names;
 * - its `resource` is AEAD_AES_256_GCM under the APIv3 key: base64 ciphertext with the 16-byte tag at
 *   its end, 12-byte nonce, `associated_data` as AAD;
 * - our calls carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,
 *   timestamp=…,serial_no=…`, the signature over `METHOD\nURL\ntimestamp\nnonce\nbody\n` by our key.
 */

/** Why a notification is refused, as WeChat's error JSON `{code, message}` with its HTTP status. */
export class NotificationRefused extends Error {
  constructor(
    readonly status: 400 | 401 | 500,
    readonly code: 'SIGN_ERROR' | 'PARAM_ERROR' | 'FAIL',
    message: string,
  ) {
    super(message)
  }
}

export interface SignedHeaders {
  timestamp: string
  nonce: string
  signature: string
  serial: string
}

export class PlatformKeys {
  private readonly keys = new Map<string, KeyObject>()

  constructor(pems: Record<string, string>) {
    for (const [serial, pem] of Object.entries(pems)) this.keys.set(serial, createPublicKey(pem))
  }

  /** Checks who signed the body and when; throws NotificationRefused (401) otherwise. */
  verify(headers: SignedHeaders, body: string, now: Date): void {
    const key = this.keys.get(headers.serial)
    if (!key) throw new NotificationRefused(401, 'SIGN_ERROR', 'unknown Wechatpay-Serial')
    if (!notificationFresh(headers.timestamp, now))
      throw new NotificationRefused(401, 'SIGN_ERROR', 'stale Wechatpay-Timestamp')
    if (!headers.nonce || headers.nonce.length > 64 || !headers.signature)
      throw new NotificationRefused(401, 'SIGN_ERROR', 'missing nonce or signature')
    const ok = createVerify('RSA-SHA256')
      .update(`${headers.timestamp}\n${headers.nonce}\n${body}\n`)
      .verify(key, headers.signature, 'base64')
    if (!ok) throw new NotificationRefused(401, 'SIGN_ERROR', 'bad Wechatpay-Signature')
  }
}

/** Decrypts a notification's resource; a tampered or foreign one is refused (400). */
export function decryptResource(
  apiV3Key: string,
  r: { ciphertext: string; nonce: string; associated_data?: string },
): string {
  try {
    const data = Buffer.from(r.ciphertext, 'base64')
    if (data.length < 17) throw new Error('short')
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(r.nonce, 'utf8'))
    decipher.setAuthTag(data.subarray(data.length - 16))
    decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'))
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8')
  } catch {
    throw new NotificationRefused(400, 'PARAM_ERROR', 'resource does not decrypt')
  }
}

export interface MerchantSigner {
  mchid: string
  serial: string
  key: KeyObject
}

/** Our key; outside production an empty one is a throwaway pair (WeChat would refuse its signatures). */
export function merchantSigner(mchid: string, serial: string, privateKeyPem: string): MerchantSigner {
  const key = privateKeyPem
    ? createPrivateKey(privateKeyPem)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  return { mchid, serial, key }
}

/** The `Authorization` header of a call to `pathAndQuery` (as sent, e.g. `/v3/businesscircle/points/notify`). */
export function authorization(
  signer: MerchantSigner,
  method: string,
  pathAndQuery: string,
  body: string,
  now: Date,
): string {
  const timestamp = String(Math.floor(now.getTime() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = createSign('RSA-SHA256')
    .update(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`)
    .sign(signer.key, 'base64')
  const fields = { mchid: signer.mchid, nonce_str: nonce, signature, timestamp, serial_no: signer.serial }
  return `WECHATPAY2-SHA256-RSA2048 ${Object.entries(fields)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}`
}
