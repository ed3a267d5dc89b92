import { useCallback, useRef, useState } from 'react'
import { ApiError } from '../services/api'
import { goToLogin, logout } from '../services/session'

/**
 * One GET-style resource for a page: loading / data / zh-CN error, a reload() that ignores
 * re-entry (pull-down refresh + a retry tap must not double-fetch), and the same "session lost ->
 * back to login" handling as the card page. Old data stays on screen while reloading.
 */
export interface RemoteData<T> {
  data: T | null
  loading: boolean
  error: ApiError | null
  reload: () => Promise<void>
}

export function useRemoteData<T>(fetcher: () => Promise<T>): RemoteData<T> {
  const [data, setData] = useState<T | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const inFlight = useRef(false)
  // Latest fetcher without making reload() change identity on every render.
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
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      setError(err)
      if (err.isAuthLost) {
        logout()
        goToLogin()
      }
    } finally {
      inFlight.current = false
      setLoading(false)
    }
  }, [])

  return { data, loading, error, reload }
}
