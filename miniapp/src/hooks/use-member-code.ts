import { useCallback, useEffect, useRef, useState } from 'react'
import { useDidHide, useDidShow } from '@tarojs/taro'
import { memberCodeResponse, type MemberCodeResponse } from '@mall/shared'
import { ApiError, api } from '../services/api'
import { planRefresh, secondsUntil } from '../lib/refresh-schedule'

/**
 * A rotating code (member code, coupon code): fetch on every page show, re-fetch when the
 * server's refreshAt passes (corrected for clock skew), and tick a 1 Hz countdown. Timers stop
 * while the page is hidden, so a backgrounded mini-program makes no requests and no setData calls.
 * `path` is any endpoint answering the memberCodeResponse shape.
 */
export interface RotatingCodeState {
  code: MemberCodeResponse | null
  loading: boolean
  error: ApiError | null
  secondsLeft: number
  refresh: () => Promise<void>
}

export type MemberCodeState = RotatingCodeState

export const MEMBER_CODE_PATH = '/api/me/member-code'

export function useMemberCode(enabled: boolean, onAuthLost: () => void): MemberCodeState {
  return useRotatingCode(MEMBER_CODE_PATH, enabled, onAuthLost)
}

export function useRotatingCode(path: string, enabled: boolean, onAuthLost: () => void): RotatingCodeState {
  const [code, setCode] = useState<MemberCodeResponse | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [secondsLeft, setSecondsLeft] = useState(0)

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const tickTimer = useRef<ReturnType<typeof setInterval> | null>(null)
  const inFlight = useRef(false)
  const visible = useRef(false)
  // Latest callback without re-creating fetchCode on every render.
  const authLostRef = useRef(onAuthLost)
  authLostRef.current = onAuthLost

  const stopTimers = useCallback(() => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current)
    if (tickTimer.current) clearInterval(tickTimer.current)
    refreshTimer.current = null
    tickTimer.current = null
  }, [])

  const fetchCode = useCallback(async () => {
    if (inFlight.current) return
    inFlight.current = true
    setLoading(true)
    try {
      const res = await api.get(path, memberCodeResponse)
      const plan = planRefresh(res, Date.now())
      setCode(res)
      setError(null)
      stopTimers()
      if (!visible.current) return
      setSecondsLeft(secondsUntil(plan.refreshAtLocal, Date.now()))
      tickTimer.current = setInterval(() => {
        setSecondsLeft(secondsUntil(plan.refreshAtLocal, Date.now()))
      }, 1000)
      refreshTimer.current = setTimeout(() => void fetchCodeRef.current(), plan.refreshAtLocal - Date.now())
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      stopTimers()
      // An expired code must not stay scannable-looking on screen after a failed refresh.
      setCode(null)
      setError(err)
      if (err.isAuthLost) authLostRef.current()
    } finally {
      inFlight.current = false
      setLoading(false)
    }
  }, [path, stopTimers])

  // The timeout closure calls through a ref so it always uses the current fetchCode.
  const fetchCodeRef = useRef(fetchCode)
  fetchCodeRef.current = fetchCode

  useDidShow(() => {
    visible.current = true
    if (enabled) void fetchCode()
  })

  useDidHide(() => {
    visible.current = false
    stopTimers()
  })

  // `enabled` flips to true after the login check; fetch then if the page is already visible.
  useEffect(() => {
    if (enabled && visible.current) void fetchCode()
  }, [enabled, fetchCode])

  useEffect(() => stopTimers, [stopTimers])

  return { code, loading, error, secondsLeft, refresh: fetchCode }
}
