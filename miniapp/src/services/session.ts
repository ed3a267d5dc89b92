import Taro from '@tarojs/taro'
import { memberLoginResponse, type MemberLoginResponse } from '@mall/shared'
import { request } from './api'
import { clearTokens, readTokens, saveTokens } from './token-store'
import { clearInviter, pendingInviter } from './inviter'

/**
 * Login flows. weapp: wx.login code -> our server (which calls code2Session; the WeChat
 * session_key never reaches the client). H5: a demo login by user name, which the server
 * only accepts when dev login is enabled in its config.
 */

export const DEMO_USERS = ['alice', 'bob', 'carol'] as const
export const DEV_USER_RE = /^[a-z0-9-]{2,32}$/

/**
 * The demo login by name: always on H5 (the server decides whether it is allowed), on weapp only in
 * `--mode development` builds for DevTools against a local server: WEAPP_DEV_LOGIN is a build
 * constant, false in every other mode (config/build-env.ts), and the server refuses dev login in production.
 */
export const supportsDevLogin = process.env.TARO_ENV === 'h5' || WEAPP_DEV_LOGIN
/** 微信一键登录 exists wherever wx.login does. */
export const supportsWechatLogin = process.env.TARO_ENV === 'weapp'

export function isLoggedIn(): boolean {
  return readTokens() !== null
}

export async function loginWithWechat(): Promise<MemberLoginResponse> {
  const { code } = await Taro.login()
  return completeLogin('/api/auth/wechat-login', { code })
}

export async function loginAsDevUser(devUser: string): Promise<MemberLoginResponse> {
  return completeLogin('/api/auth/dev-login', { devUser })
}

export function logout(): void {
  clearTokens()
}

async function completeLogin(path: string, body: Record<string, string>): Promise<MemberLoginResponse> {
  const inviter = pendingInviter()
  const res = await request(path, {
    method: 'POST',
    auth: false,
    data: inviter ? { ...body, inviter } : body,
    schema: memberLoginResponse,
  })
  saveTokens(res)
  // The invite is attributed once, at the member's first login; don't resend it forever.
  clearInviter()
  return res
}

export const CARD_PAGE = '/pages/card/index'
export const LOGIN_PAGE = '/pages/login/index'
/** Staff pages live in the `staff` subpackage; the member login only links there. */
export const STAFF_LOGIN_PAGE = '/staff/pages/login/index'

let lastLoginRedirect = 0

/**
 * Replace the whole stack so "back" never returns to a page of the old session.
 * The card and the member code can both discover an expired session at once; redirect once.
 */
export function goToLogin(): void {
  const now = Date.now()
  if (now - lastLoginRedirect < 1500) return
  lastLoginRedirect = now
  void Taro.reLaunch({ url: LOGIN_PAGE })
}

export function goToCard(): void {
  void Taro.reLaunch({ url: CARD_PAGE })
}
