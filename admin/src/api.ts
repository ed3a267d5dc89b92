import { ERROR_MESSAGES_ZH, type StaffProfile, type StaffTotpEnrolment } from '@mall/shared'

/** Same-origin JSON API client. The session lives in sessionStorage (closed tab = logged out). */
const SESSION_KEY = 'mall-admin.session'

export interface Session {
  accessToken: string
  refreshToken: string
  staff: StaffProfile
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY)
    if (!raw) return null
    const s = JSON.parse(raw) as Session
    return s && typeof s.accessToken === 'string' && s.staff?.role === 'operator' ? s : null
  } catch {
    return null
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s))
  else sessionStorage.removeItem(SESSION_KEY)
}

/** Called when the session ends (token rejected and refresh failed): the app goes back to login. */
let onSessionEnded: (reason: string) => void = () => undefined
export function setSessionEndedHandler(fn: (reason: string) => void): void {
  onSessionEnded = fn
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** zh-CN text for the operator */
    readonly zh: string,
    readonly requestId: string,
    readonly details?: unknown,
  ) {
    super(zh)
  }
}

const AUTH_ENDED = new Set(['AUTH.REQUIRED', 'AUTH.TOKEN_INVALID', 'AUTH.TOKEN_EXPIRED', 'AUTH.REFRESH_REUSED'])

function zhFor(code: string, fallback: string): string {
  return (ERROR_MESSAGES_ZH as Record<string, string>)[code] ?? fallback
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    /* not JSON (proxy error page, etc.) */
  }
  const e = (body as { error?: { code?: string; message?: string; requestId?: string; details?: unknown } } | null)
    ?.error
  if (e?.code)
    return new ApiError(res.status, e.code, zhFor(e.code, e.message ?? '请求失败'), e.requestId ?? '', e.details)
  const requestId = res.headers.get('x-request-id') ?? ''
  if (res.status === 404)
    return new ApiError(404, 'REQUEST.NOT_FOUND', zhFor('REQUEST.NOT_FOUND', '接口不存在'), requestId)
  return new ApiError(res.status, 'INTERNAL', `${ERROR_MESSAGES_ZH.INTERNAL}（HTTP ${res.status}）`, requestId)
}

async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试', '')
  }
}

let refreshing: Promise<boolean> | null = null

/** One refresh at a time; concurrent 401s wait for the same attempt. */
function refresh(session: Session): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await send('POST', '/api/staff/auth/refresh', { refreshToken: session.refreshToken }, null)
      if (!res.ok) return false
      const t = (await res.json()) as { accessToken: string; refreshToken: string }
      saveSession({ ...session, accessToken: t.accessToken, refreshToken: t.refreshToken })
      return true
    } catch {
      return false
    } finally {
      setTimeout(() => (refreshing = null), 0)
    }
  })()
  return refreshing
}

/** A request with the session's token (refreshed once on 401); a failure ends the session or throws ApiError. */
async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Response> {
  const session = loadSession()
  let res = await send(method, path, body, session?.accessToken ?? null)
  if (res.status === 401 && session) {
    if (await refresh(session)) res = await send(method, path, body, loadSession()?.accessToken ?? null)
  }
  if (!res.ok) {
    const err = await toError(res)
    if (AUTH_ENDED.has(err.code)) {
      saveSession(null)
      onSessionEnded(err.zh)
    }
    throw err
  }
  return res
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const res = await call(method, path, body)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** Binary answers (a feedback photo): an <img> cannot send the bearer token itself. */
export async function apiBlob(path: string): Promise<Blob> {
  return (await call('GET', path)).blob()
}

/** A file the server builds (a segment's member export): POSTed with its body, answered as a Blob. */
export async function apiFile(path: string, body: unknown): Promise<Blob> {
  return (await call('POST', path, body)).blob()
}

/** Query string from an object, skipping empty values (the server's strict schemas refuse ""). */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && String(v).trim() !== '') p.set(k, String(v).trim())
  const s = p.toString()
  return s ? `?${s}` : ''
}

/**
 * Login is separate: no bearer token, no refresh, and only operators are let in. Operators add their authenticator
 * code (or a recovery code); the server answers AUTH.TOTP_REQUIRED / AUTH.TOTP_ENROL_REQUIRED until they do.
 */
export async function login(
  username: string,
  password: string,
  proof: { totp?: string; recoveryCode?: string } = {},
): Promise<Session> {
  const res = await send('POST', '/api/staff/auth/login', { username, password, ...proof }, null)
  if (!res.ok) throw await toError(res)
  const data = (await res.json()) as Session
  return { accessToken: data.accessToken, refreshToken: data.refreshToken, staff: data.staff }
}

/** A first login's second factor: the QR code to scan (the password checked again). */
export async function startTotpEnrolment(username: string, password: string): Promise<StaffTotpEnrolment> {
  const res = await send('POST', '/api/staff/auth/totp/start', { username, password }, null)
  if (!res.ok) throw await toError(res)
  return (await res.json()) as StaffTotpEnrolment
}

/** The enrolment's first code: a session, and the recovery codes to show once. */
export async function confirmTotpEnrolment(
  enrolToken: string,
  code: string,
): Promise<{ session: Session; recoveryCodes: string[] }> {
  const res = await send('POST', '/api/staff/auth/totp/confirm', { enrolToken, code }, null)
  if (!res.ok) throw await toError(res)
  const data = (await res.json()) as Session & { recoveryCodes: string[] }
  const session = { accessToken: data.accessToken, refreshToken: data.refreshToken, staff: data.staff }
  return { session, recoveryCodes: data.recoveryCodes }
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.requestId ? `${e.zh}（请求编号 ${e.requestId}）` : e.zh
  return e instanceof Error ? e.message : String(e)
}
