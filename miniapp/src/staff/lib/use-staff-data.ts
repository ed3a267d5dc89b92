import { useCallback, useRef, useState } from 'react'
import { ApiError } from '../../services/api'
import { goToStaffLogin, staffLogout } from '../../services/staff'

/**
 * The staff twin of hooks/use-remote-data: same loading / data / zh-CN error / re-entry-safe
 * reload(), but a lost session ends the *staff* session and goes to the staff login, leaving a
 * member session on the same phone alone.
 */
export interface StaffData<T> {
  data: T | null
  loading: boolean
  error: ApiError | null
  reload: () => Promise<void>
}

/** Any thrown value -> ApiError; a dead staff session also logs out and redirects. */
export function staffError(e: unknown): ApiError {
  const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
  if (err.isAuthLost) {
    staffLogout()
    goToStaffLogin()
  }
  return err
}

export function useStaffData<T>(fetcher: () => Promise<T>, initial: T | null = null): StaffData<T> {
  const [data, setData] = useState<T | null>(initial)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const inFlight = useRef(false)
  const fetcherRef = useRef(fetcher)
  fetcherRef.current = fetcher

  const reload = useCallback(async () => {
    if (inFlight.current) return
    inFlight.current = true
    setLoading(true)
    try {
      setData(await fetcherRef.current())
      setError(null)
    } catch (e) {
      setError(staffError(e))
    } finally {
      inFlight.current = false
      setLoading(false)
    }
  }, [])

  return { data, loading, error, reload }
}
