import Taro from '@tarojs/taro'
import { PRIVACY_GUIDE_VERSION, privacyConsentStatus, type PrivacyConsentStatus } from '@mall/shared'
import { api } from './api'

/** 隐私: the guide and the member's consent, 我的数据, phone unbinding (server: modules/privacy). */

export const PRIVACY_PAGE = '/pages/privacy/index'
export const MY_DATA_PAGE = '/pages/my-data/index'
/** The guide opened right after login, asking for agreement before the app goes on. */
export const PRIVACY_CONSENT_PAGE = `${PRIVACY_PAGE}?consent=1`

export function fetchConsentStatus(): Promise<PrivacyConsentStatus> {
  return api.get('/api/me/privacy/consent', privacyConsentStatus)
}

export function agreeToPrivacyGuide(): Promise<PrivacyConsentStatus> {
  return api.post('/api/me/privacy/consent', { version: PRIVACY_GUIDE_VERSION }, privacyConsentStatus)
}

/** True when the member still has to agree (first login, or a newer guide); the caller opens the guide. */
export async function privacyConsentRequired(): Promise<boolean> {
  return (await fetchConsentStatus()).required
}

/** 我的数据 as the server exports it: a JSON object, shown by section and saved whole. */
export type MyData = Record<string, unknown> & {
  exportedAt: string
  profile: Record<string, unknown>
}

export function fetchMyData(): Promise<MyData> {
  return api.get('/api/me/data-export', {
    parse: (data: unknown) => {
      if (!data || typeof data !== 'object' || !('profile' in data)) throw new Error('export: no profile')
      return data as MyData
    },
  })
}

export function unbindPhone(): Promise<unknown> {
  return api.post('/api/me/phone/unbind', { confirm: true })
}

/**
 * weapp: makes WeChat ask for the privacy authorisation (the page's PrivacyAuthorization popup shows) before a
 * photo or clipboard API, and fails when the member declines. Elsewhere, and on base libraries before 2.32.3
 * without the API, it resolves at once.
 */
export function requirePrivacyAuthorize(): Promise<void> {
  if (process.env.TARO_ENV !== 'weapp' || typeof Taro.requirePrivacyAuthorize !== 'function') {
    return Promise.resolve()
  }
  return new Promise((resolve, reject) => {
    Taro.requirePrivacyAuthorize({
      success: () => resolve(),
      fail: () => reject(new Error('privacy authorisation declined')),
    })
  })
}
