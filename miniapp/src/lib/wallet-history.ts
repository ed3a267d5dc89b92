import type { WalletEntry } from '@mall/shared'

/**
 * Appends a history page to the rows already shown. Pages are fetched by `beforeSeq`, so they
 * normally never overlap; but the reach-bottom event and the "加载更多" button can race, and a
 * refresh can land while an older page is in flight. De-duplicating by seq and keeping newest
 * first means a double fetch can never show the same ledger entry twice.
 */
export function mergeEntryPages(shown: WalletEntry[], page: WalletEntry[]): WalletEntry[] {
  const seen = new Set(shown.map((e) => e.seq))
  const fresh = page.filter((e) => !seen.has(e.seq))
  if (fresh.length === 0) return shown
  return [...shown, ...fresh].sort((a, b) => b.seq - a.seq)
}
