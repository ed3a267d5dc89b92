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
 *
 * `watchSeconds`: a single-use code (coupon, pickup) is also asked for quietly that often while shown.
 * Within a step the server answers the same code, so the picture stays; once staff have used it the
 * answer is the refusal that says so, and the page shows the confirmation within seconds instead of at
 * the next rotation. A quiet ask that fails for another reason (a network blip) keeps the code.
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

/** A quiet ask's refusals that mean the code was used or is gone: shown; other failures keep the code. */
const SETTLED_CODES = new Set(['COUPON.ALREADY_REDEEMED', 'REDEMPTION.ALREADY_DECIDED', 'COUPON.NOT_FOUND'])

export function useRotatingCode(
  path: string,
  enabled: boolean,
  onAuthLost: () => void,
  watchSeconds?: number,
): RotatingCodeState {
  const [code, setCode] = useState<MemberCodeResponse | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [secondsLeft, setSecondsLeft] = useState(0)

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const tickTimer = useRef<ReturnType<typeof setInterval> | null>(null)
  const inFlight = useRef(false)
  const rotationAt = useRef(0)
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

  // The next ask: quiet while watching a code still in its step, a full refresh at its rotation.
  const scheduleNext = useCallback(() => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current)
    const untilRotation = Math.max(0, rotationAt.current - Date.now())
    const watch = watchSeconds ? watchSeconds * 1000 : Infinity
    refreshTimer.current = setTimeout(
      () => void fetchCodeRef.current(watch < untilRotation),
      Math.min(untilRotation, watch),
    )
  }, [watchSeconds])

  const fetchCode = useCallback(
    async (quiet = false) => {
      if (inFlight.current) return
      inFlight.current = true
      if (!quiet) setLoading(true)
      try {
        const res = await api.get(path, memberCodeResponse)
        const plan = planRefresh(res, Date.now())
        // The same code within a step: keep the object, so nothing on screen changes.
        setCode((prev) => (prev && prev.code === res.code && prev.refreshAt === res.refreshAt ? prev : res))
        setError(null)
        stopTimers()
        if (!visible.current) return
        setSecondsLeft(secondsUntil(plan.refreshAtLocal, Date.now()))
        tickTimer.current = setInterval(() => {
          setSecondsLeft(secondsUntil(plan.refreshAtLocal, Date.now()))
        }, 1000)
        rotationAt.current = plan.refreshAtLocal
        scheduleNext()
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
        if (quiet && !err.isAuthLost && !SETTLED_CODES.has(err.code)) {
          // A blip while watching: the code shown is still good until its rotation; ask again later.
          if (visible.current) scheduleNext()
          return
        }
        stopTimers()
        // An expired code must not stay scannable-looking on screen after a failed refresh.
        setCode(null)
        setError(err)
        if (err.isAuthLost) authLostRef.current()
      } finally {
        inFlight.current = false
        if (!quiet) setLoading(false)
      }
    },
    [path, stopTimers, scheduleNext],
  )

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

  const refresh = useCallback(() => fetchCode(false), [fetchCode])
  return { code, loading, error, secondsLeft, refresh }
}
