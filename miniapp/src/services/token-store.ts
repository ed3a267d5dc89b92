import Taro from '@tarojs/taro'

/**
 * Session tokens in Taro storage (wx storage on weapp, localStorage on H5). One small key,
 * read synchronously because every API call needs it and it is a few hundred bytes.
 */
export interface StoredTokens {
  accessToken: string
  refreshToken: string
  /** local epoch ms; informational only, the server's 401 is the source of truth */
  expiresAt: number
}

const KEY = 'mall.session.v1'

export function readTokens(): StoredTokens | null {
  try {
    const raw: unknown = Taro.getStorageSync(KEY)
    if (raw && typeof raw === 'object' && 'accessToken' in raw && 'refreshToken' in raw) {
      return raw as StoredTokens
    }
  } catch {
    // Corrupt or unavailable storage behaves like "logged out".
  }
  return null
}

export function saveTokens(tokens: { accessToken: string; refreshToken: string; expiresIn: number }): void {
  const stored: StoredTokens = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  }
  Taro.setStorageSync(KEY, stored)
}

export function clearTokens(): void {
  try {
    Taro.removeStorageSync(KEY)
  } catch {
    // Nothing to clear.
  }
}
