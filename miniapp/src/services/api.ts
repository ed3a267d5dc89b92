import Taro from '@tarojs/taro'
import { ERROR_CODES, ERROR_MESSAGES_ZH, sessionTokens, type ErrorCode } from '@mall/shared'
import { clearTokens, readTokens, saveTokens, type SessionSlot } from './token-store'

/**
 * Typed JSON client over Taro.request (wx.request on weapp, fetch on H5).
 * - Bearer access token from storage: the member session, or the staff session for staff routes.
 * - One transparent refresh + retry when the server says AUTH.TOKEN_EXPIRED.
 * - Every failure becomes an ApiError with zh-CN copy, so pages never show raw server text.
 */

/** Failures that never reached (or could not be understood from) the server. */
export type ClientErrorCode = 'CLIENT.NETWORK' | 'CLIENT.BAD_RESPONSE'
export type ApiErrorCode = ErrorCode | ClientErrorCode

const CLIENT_MESSAGES_ZH: Record<ClientErrorCode, string> = {
  'CLIENT.NETWORK': '网络连接失败，请检查网络后重试',
  'CLIENT.BAD_RESPONSE': '服务返回异常，请稍后再试',
}

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly status: number
  readonly requestId?: string
  /** seconds, from Retry-After (or details.retryAfter) on 423 lockouts and 429 rate limits */
  readonly retryAfter?: number
  /** the error's `details` (e.g. the channel and time of PURCHASE.ALREADY_EARNED), for a page to say more */
  readonly details?: Record<string, unknown>

  constructor(
    code: ApiErrorCode,
    status: number,
    requestId?: string,
    retryAfter?: number,
    details?: Record<string, unknown>,
  ) {
    super(messageFor(code))
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.requestId = requestId
    this.retryAfter = retryAfter
    this.details = details
  }

  /** The session is gone (refresh failed / token invalid): the page should send the user to login. */
  get isAuthLost(): boolean {
    return this.status === 401
  }
}

export function messageFor(code: ApiErrorCode): string {
  return (ERROR_MESSAGES_ZH as Record<string, string>)[code] ?? CLIENT_MESSAGES_ZH[code as ClientErrorCode]
}

/** Structural subset of a zod schema, so callers can pass any schema from @mall/shared. */
export interface Schema<T> {
  parse(data: unknown): T
}

/** `{ items: T[] }` list envelope, each item checked by `schema` (the shared contracts only define items). */
export function itemsOf<T>(schema: Schema<T>): Schema<{ items: T[] }> {
  return {
    parse(data: unknown) {
      const items = (data as { items?: unknown } | null)?.items
      if (!Array.isArray(items)) throw new Error('items: not an array')
      return { items: items.map((item) => schema.parse(item)) }
    },
  }
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  data?: unknown
  schema?: Schema<T>
  /** false for login/refresh: no Authorization header, no refresh-on-401 */
  auth?: boolean
  /** extra headers (e.g. Idempotency-Key); also sent on the retry after a token refresh */
  headers?: Record<string, string>
  /** which stored session authenticates (and is refreshed / cleared); default 'member' */
  session?: SessionSlot
  /** ms; default 10 s (a photo upload on a slow network needs longer) */
  timeout?: number
}

interface RawResponse {
  statusCode: number
  data: unknown
  header?: Record<string, unknown>
}

const KNOWN_CODES = new Set<string>(ERROR_CODES)
const TIMEOUT_MS = 10_000

export async function request<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const auth = options.auth !== false
  const slot = options.session ?? 'member'
  let res = await send(path, options, auth)
  if (auth && res.statusCode === 401 && errorCodeOf(res) === 'AUTH.TOKEN_EXPIRED') {
    const outcome = await refreshSession(slot)
    // A transient network error must not log the member out: keep tokens, report offline.
    if (outcome === 'network') throw new ApiError('CLIENT.NETWORK', 0)
    if (outcome === 'ok') res = await send(path, options, auth)
  }
  return unwrap(res, options.schema, slot)
}

export const api = {
  get: <T>(path: string, schema?: Schema<T>) => request<T>(path, { method: 'GET', schema }),
  post: <T>(path: string, data?: unknown, schema?: Schema<T>) => request<T>(path, { method: 'POST', data, schema }),
}

async function send(path: string, options: RequestOptions<unknown>, auth: boolean): Promise<RawResponse> {
  const header: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    ...options.headers,
  }
  const tokens = auth ? readTokens(options.session) : null
  if (tokens) header.Authorization = `Bearer ${tokens.accessToken}`
  try {
    const res = await Taro.request({
      url: API_BASE + path,
      method: options.method ?? 'GET',
      // Taro JSON-encodes objects when Content-Type is JSON; GET bodies are never sent.
      data: options.data as Record<string, unknown> | undefined,
      header,
      timeout: options.timeout ?? TIMEOUT_MS,
      dataType: 'json',
    })
    return { statusCode: res.statusCode, data: res.data, header: res.header as Record<string, unknown> | undefined }
  } catch {
    throw new ApiError('CLIENT.NETWORK', 0)
  }
}

function unwrap<T>(res: RawResponse, schema: Schema<T> | undefined, slot: SessionSlot): T {
  if (res.statusCode >= 200 && res.statusCode < 300) {
    if (!schema) return res.data as T
    try {
      return schema.parse(res.data)
    } catch {
      throw new ApiError('CLIENT.BAD_RESPONSE', res.statusCode)
    }
  }
  const code = errorCodeOf(res) ?? (res.statusCode === 401 ? 'AUTH.REQUIRED' : 'INTERNAL')
  // Any 401 that survives the refresh attempt means the stored session is useless.
  if (res.statusCode === 401) clearTokens(slot)
  throw new ApiError(code, res.statusCode, requestIdOf(res), retryAfterOf(res), detailsOf(res))
}

function errorBody(res: RawResponse): { code?: unknown; requestId?: unknown; details?: unknown } | null {
  const data = typeof res.data === 'string' ? safeJson(res.data) : res.data
  if (data && typeof data === 'object' && 'error' in data) {
    const error = (data as { error: unknown }).error
    if (error && typeof error === 'object') return error as { code?: unknown; requestId?: unknown; details?: unknown }
  }
  return null
}

function errorCodeOf(res: RawResponse): ErrorCode | null {
  const code = errorBody(res)?.code
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as ErrorCode) : null
}

function requestIdOf(res: RawResponse): string | undefined {
  const id = errorBody(res)?.requestId
  return typeof id === 'string' ? id : undefined
}

function detailsOf(res: RawResponse): Record<string, unknown> | undefined {
  const details = errorBody(res)?.details
  return details && typeof details === 'object' && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : undefined
}

function retryAfterOf(res: RawResponse): number | undefined {
  const details = errorBody(res)?.details as { retryAfter?: unknown } | undefined
  const headerKey = Object.keys(res.header ?? {}).find((k) => k.toLowerCase() === 'retry-after')
  const raw =
    typeof details?.retryAfter === 'number' ? details.retryAfter : Number(headerKey ? res.header![headerKey] : NaN)
  return Number.isFinite(raw) && raw > 0 ? Math.ceil(raw) : undefined
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * Single-flight refresh: the card and the member code load in parallel, and both can hit
 * an expired token at once. Refresh tokens rotate (reuse is detected server-side as
 * AUTH.REFRESH_REUSED), so only one refresh request may be in the air.
 */
type RefreshOutcome = 'ok' | 'rejected' | 'network'
const refreshing: Partial<Record<SessionSlot, Promise<RefreshOutcome>>> = {}
const REFRESH_PATHS: Record<SessionSlot, string> = { member: '/api/auth/refresh', staff: '/api/staff/auth/refresh' }

export function refreshSession(slot: SessionSlot = 'member'): Promise<RefreshOutcome> {
  let pending = refreshing[slot]
  if (!pending) {
    pending = doRefresh(slot).finally(() => {
      delete refreshing[slot]
    })
    refreshing[slot] = pending
  }
  return pending
}

async function doRefresh(slot: SessionSlot): Promise<RefreshOutcome> {
  const tokens = readTokens(slot)
  if (!tokens) return 'rejected'
  let res: RawResponse
  try {
    res = await send(REFRESH_PATHS[slot], { method: 'POST', data: { refreshToken: tokens.refreshToken } }, false)
  } catch {
    return 'network'
  }
  if (res.statusCode >= 500) return 'network'
  const parsed = res.statusCode < 300 ? sessionTokens.safeParse(res.data) : null
  if (!parsed?.success) {
    clearTokens(slot)
    return 'rejected'
  }
  saveTokens(parsed.data, slot)
  return 'ok'
}
