import Taro from '@tarojs/taro'

/**
 * Invite attribution. A member can arrive through a shared link (H5: `?inviter=CODE`, before
 * or inside the hash route) or a shared card / mini-program code (weapp: launch or page query,
 * `scene` for unlimited QR codes). We remember the code until the first successful login,
 * because the landing page immediately redirects to the login page and drops its query.
 */
const INVITER_RE = /^[A-Z0-9]{4,16}$/
const KEY = 'mall.inviter.v1'

export function normalizeInviter(value: unknown): string | null {
  if (typeof value !== 'string') return null
  let text = value.trim()
  try {
    text = decodeURIComponent(text)
  } catch {
    // keep the raw value; the regex below rejects anything odd
  }
  // weapp `scene` may carry "inviter=CODE" or just "CODE"
  const match = /(?:^|[?&])inviter=([^&]*)/.exec(text)
  const code = (match ? (match[1] ?? '') : text).toUpperCase()
  return INVITER_RE.test(code) ? code : null
}

/** Call with any query object (launch options, page params). H5 also reads the URL itself. */
export function rememberInviter(query?: Record<string, string | undefined> | null): void {
  const code =
    normalizeInviter(query?.inviter) ??
    normalizeInviter(query?.scene) ??
    (process.env.TARO_ENV === 'h5' ? inviterFromLocation() : null)
  if (code) {
    try {
      Taro.setStorageSync(KEY, code)
    } catch {
      // Attribution is best-effort; never block the member because storage failed.
    }
  }
}

export function pendingInviter(): string | undefined {
  try {
    return normalizeInviter(Taro.getStorageSync(KEY)) ?? undefined
  } catch {
    return undefined
  }
}

export function clearInviter(): void {
  try {
    Taro.removeStorageSync(KEY)
  } catch {
    // ignore
  }
}

/** `https://host/?inviter=AB12#/pages/card/index` or `https://host/#/pages/card/index?inviter=AB12` */
function inviterFromLocation(): string | null {
  if (typeof window === 'undefined' || !window.location) return null
  const { search, hash } = window.location
  const hashQuery = hash.includes('?') ? hash.slice(hash.indexOf('?')) : ''
  return normalizeInviter(search) ?? normalizeInviter(hashQuery)
}
