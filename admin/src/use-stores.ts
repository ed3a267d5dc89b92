import { useEffect, useState } from 'react'
import type { StoreView } from '@mall/shared'
import { api } from './api'

export interface StoreOption {
  id: string
  /** "S001 星巴克": the id stays visible because receipts and audit rows carry it */
  name: string
  active: boolean
}

let cached: Promise<StoreOption[]> | null = null

/** Asks the server once per page load; a failure is not kept, so the next page asks again. */
function loadStores(): Promise<StoreOption[]> {
  cached ??= api<{ items: StoreView[] }>('GET', '/api/ops/stores').then(
    (r) => r.items.map((s) => ({ id: s.id, name: `${s.id} ${s.name}`, active: s.active })),
    (e: unknown) => {
      cached = null
      throw e
    },
  )
  return cached
}

/** A change on the stores page: the next reader asks the server again. */
export function forgetStores(): void {
  cached = null
}

/**
 * The mall's stores from the API, for filters and store pickers (empty until they arrive; a
 * failure leaves the list empty and the pickers show only "全部").
 */
export function useStores(): StoreOption[] {
  const [stores, setStores] = useState<StoreOption[]>([])
  useEffect(() => {
    let live = true
    loadStores().then(
      (s) => live && setStores(s),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [])
  return stores
}

/** "S001 星巴克" for an id the list knows, else the id itself. */
export function storeLabel(stores: StoreOption[], id: string | null | undefined): string {
  if (!id) return '—'
  return stores.find((s) => s.id === id)?.name ?? id
}
