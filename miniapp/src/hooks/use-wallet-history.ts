import { useCallback, useRef, useState } from 'react'
import type { WalletEntry } from '@mall/shared'
import { ApiError } from '../services/api'
import { goToLogin, logout } from '../services/session'
import { fetchWalletEntries } from '../services/points'
import { mergeEntryPages } from '../lib/wallet-history'

/**
 * Points history, newest first, paged by the server's `nextBeforeSeq` cursor (a ledger seq, so
 * entries posted while the member scrolls never shift the pages the way offset paging would).
 */
export interface WalletHistoryState {
  items: WalletEntry[]
  /** true until the first page has arrived (or failed) */
  initialLoading: boolean
  loadingMore: boolean
  error: ApiError | null
  /** the server said there is no older page */
  exhausted: boolean
  reload: () => Promise<void>
  loadMore: () => Promise<void>
}

export function useWalletHistory(): WalletHistoryState {
  const [items, setItems] = useState<WalletEntry[]>([])
  const [cursor, setCursor] = useState<number | null>(null)
  const [loadedOnce, setLoadedOnce] = useState(false)
  const [exhausted, setExhausted] = useState(false)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const inFlight = useRef(false)
  // Bumped by reload(): a page that was requested before the reload must not be appended after it.
  const generation = useRef(0)

  const fetchPage = useCallback(async (beforeSeq: number | null, replace: boolean) => {
    const gen = replace ? ++generation.current : generation.current
    inFlight.current = true
    setLoading(true)
    try {
      const page = await fetchWalletEntries(beforeSeq)
      if (gen !== generation.current) return
      setItems((shown) => mergeEntryPages(replace ? [] : shown, page.items))
      setCursor(page.nextBeforeSeq)
      setExhausted(page.nextBeforeSeq === null)
      setError(null)
    } catch (e) {
      if (gen !== generation.current) return
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      setError(err)
      if (err.isAuthLost) {
        logout()
        goToLogin()
      }
    } finally {
      if (gen === generation.current) {
        inFlight.current = false
        setLoading(false)
        setLoadedOnce(true)
      }
    }
  }, [])

  const reload = useCallback(() => fetchPage(null, true), [fetchPage])

  const loadMore = useCallback(async () => {
    // Reach-bottom fires repeatedly while the member flings the list; one request at a time.
    if (inFlight.current || exhausted || !loadedOnce) return
    // After a failed first page there is no cursor yet: retrying means fetching page one again.
    await fetchPage(items.length === 0 ? null : cursor, items.length === 0)
  }, [cursor, exhausted, fetchPage, items.length, loadedOnce])

  return {
    items,
    initialLoading: !loadedOnce,
    loadingMore: loading && loadedOnce,
    error,
    exhausted,
    reload,
    loadMore,
  }
}
