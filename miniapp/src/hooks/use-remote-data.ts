import { useCallback, useRef, useState } from 'react'
import type { ApiError } from '../services/api'
import { asApiError } from '../services/action-error'
import { goToLogin, logout } from '../services/session'

/**
 * One GET-style resource for a page: loading / data / zh-CN error, a reload() that ignores
 * re-entry (pull-down refresh + a retry tap must not double-fetch), and "session lost -> back to
 * login" (the member's by default; staff pages end the staff session instead, leaving a member
 * session on the same phone alone). Old data stays on screen while reloading.
 *
 * `key` names what the fetcher currently asks for (e.g. the month a calendar shows). A reload for
 * a different key than the one in flight is not ignored: it runs, and only the answer for the
 * latest request is kept, so a fast "next month, next month" never ends on a stale month.
 */
export interface RemoteData<T> {
  data: T | null
  loading: boolean
  error: ApiError | null
  reload: () => Promise<void>
}

export interface RemoteDataOptions<T> {
  /** what the fetcher currently asks for (see above) */
  key?: string
  /** shown until the first answer (a cached copy) */
  initial?: T | null
  /** what a lost session does; the member's logout and login page by default */
  onAuthLost?: () => void
}

function endMemberSession(): void {
  logout()
  goToLogin()
}

export function useRemoteData<T>(fetcher: () => Promise<T>, options: RemoteDataOptions<T> = {}): RemoteData<T> {
  const { key = '', initial = null, onAuthLost = endMemberSession } = options
  const [data, setData] = useState<T | null>(initial)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const inFlight = useRef<{ key: string; seq: number } | null>(null)
  const seq = useRef(0)
  // Latest fetcher and key without making reload() change identity on every render.
  const fetcherRef = useRef(fetcher)
  fetcherRef.current = fetcher
  const keyRef = useRef(key)
  keyRef.current = key
  const onAuthLostRef = useRef(onAuthLost)
  onAuthLostRef.current = onAuthLost

  const reload = useCallback(async () => {
    if (inFlight.current && inFlight.current.key === keyRef.current) return
    const mine = ++seq.current
    inFlight.current = { key: keyRef.current, seq: mine }
    setLoading(true)
    try {
      const next = await fetcherRef.current()
      if (mine !== seq.current) return
      setData(next)
      setError(null)
    } catch (e) {
      if (mine !== seq.current) return
      const err = asApiError(e)
      setError(err)
      if (err.isAuthLost) onAuthLostRef.current()
    } finally {
      if (mine === seq.current) {
        inFlight.current = null
        setLoading(false)
      }
    }
  }, [])

  return { data, loading, error, reload }
}
