import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The WeChat stub's checks of what the server sends, as WeChat makes them (wechat-stub.ts keeps
 * the state: codes, tokens, quotas): subscribe-message values against their field types, and
 * getwxacodeunlimit's scene, page and build.
 */

/** WeChat's answers to a call without a current token. */
export const TOKEN_ERRMSG: Record<number, string> = {
  41001: 'access_token missing',
  40001: 'invalid credential, access_token is invalid or not latest',
  42001: 'access_token expired',
}

/** What a value may look like, per subscribe-message field type (the prefix of its key). */
const FIELD_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length <= 20,
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.length <= 32,
  date: (v) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(v),
  time: (v) => /^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}$/.test(v),
  phrase: (v) => [...v].length <= 5,
  character_string: (v) => /^[A-Za-z0-9_-]{1,32}$/.test(v),
  amount: (v) => /^¥?\d+(\.\d{1,2})?元?$/.test(v),
}

/** 47003 for the first value its field type does not allow, else null. */
export function subscribeDataError(data: unknown): { errcode: number; errmsg: string } | null {
  for (const [key, field] of Object.entries((data ?? {}) as Record<string, { value?: unknown }>)) {
    const rule = FIELD_RULES[key.replace(/\d+$/, '')]
    const value = field?.value
    if (!rule || typeof value !== 'string' || !rule(value)) {
      return { errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` }
    }
  }
  return null
}

const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

/** getwxacodeunlimit's refusal of a request, or null. */
export function wxaCodeError(body: Record<string, unknown>): { errcode: number; errmsg: string } | null {
  if (typeof body.scene !== 'string' || !SCENE_RE.test(body.scene)) return { errcode: 40129, errmsg: 'invalid scene' }
  const page = body.page
  // check_path: false lets an unpublished page through; a path must still be relative.
  if (page !== undefined && (typeof page !== 'string' || page.startsWith('/'))) {
    return { errcode: 41030, errmsg: 'invalid page' }
  }
  if (body.env_version !== undefined && !['release', 'trial', 'develop'].includes(String(body.env_version))) {
    return { errcode: 40097, errmsg: 'invalid args' }
  }
  return null
}

/** A JPEG's markers around the scene and page, so a test can tell which code it got. */
export function fakeWxaCode(scene: string, page: string): Buffer {
  const payload = Buffer.from(JSON.stringify({ scene, page }))
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), payload, Buffer.from([0xff, 0xd9])])
}

export function json(res: ServerResponse, body: object): void {
  // WeChat labels its JSON errors this way, on image endpoints too.
  res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' })
  res.end(JSON.stringify(body))
}

export function readJson(req: IncomingMessage): Promise<unknown> {
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
