import Taro from '@tarojs/taro'
import { ApiError } from './api'
import { goToLogin, logout } from './session'

/** Anything a service call threw, as an ApiError (non-API throws count as a network failure). */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
}

/**
 * The usual ending of a failed tap (check in, buy, switch a setting): a lost session goes back to
 * login, anything else is toasted in zh-CN. Returns the error for callers that also show it inline.
 */
export function reportActionError(e: unknown): ApiError {
  const err = asApiError(e)
  if (err.isAuthLost) {
    logout()
    goToLogin()
  } else {
    void Taro.showToast({ title: err.message, icon: 'none' })
  }
  return err
}
