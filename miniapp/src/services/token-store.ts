import Taro from '@tarojs/taro'

/**
 * Session tokens in Taro storage (wx storage on weapp, localStorage on H5). One small key per
 * session slot, read synchronously because every API call needs it and it is a few hundred bytes.
 * The member and the store staff sessions are separate slots: a clerk may also be a member on the
 * same phone, and the server never accepts one audience's token on the other's routes.
 */
export type SessionSlot = 'member' | 'staff'

export interface StoredTokens {
  accessToken: string
  refreshToken: string
  /** local epoch ms; informational only, the server's 401 is the source of truth */
  expiresAt: number
}

const KEYS: Record<SessionSlot, string> = {
  member: 'mall.session.v1',
  staff: 'mall.staff-session.v1',
}

export function readTokens(slot: SessionSlot = 'member'): StoredTokens | null {
  try {
    const raw: unknown = Taro.getStorageSync(KEYS[slot])
    if (raw && typeof raw === 'object' && 'accessToken' in raw && 'refreshToken' in raw) {
      return raw as StoredTokens
    }
  } catch {
    // Corrupt or unavailable storage behaves like "logged out".
  }
  return null
}

export function saveTokens(
  tokens: { accessToken: string; refreshToken: string; expiresIn: number },
  slot: SessionSlot = 'member',
): void {
  const stored: StoredTokens = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  }
  Taro.setStorageSync(KEYS[slot], stored)
}

export function clearTokens(slot: SessionSlot = 'member'): void {
  try {
    Taro.removeStorageSync(KEYS[slot])
  } catch {
    // Nothing to clear.
  }
}
