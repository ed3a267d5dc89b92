import {
  tierInfo,
  walletEntriesPage,
  walletSummary,
  type TierDefinition,
  type TierInfo,
  type WalletEntriesPage,
  type WalletSummary,
} from '@mall/shared'
import { api, type Schema } from './api'

/**
 * Member points endpoints, each validated against its @mall/shared contract so a server/client
 * mismatch surfaces as CLIENT.BAD_RESPONSE ("服务返回异常") instead of a crash mid-render.
 */

export const WALLET_PAGE = '/pages/wallet/index'
export const TIER_PAGE = '/pages/tier/index'

/** History page size; the server caps it at 50. */
export const WALLET_ENTRIES_LIMIT = 20

export function fetchWalletSummary(): Promise<WalletSummary> {
  return api.get('/api/me/wallet', walletSummary)
}

export function fetchWalletEntries(beforeSeq: number | null): Promise<WalletEntriesPage> {
  const query = beforeSeq === null ? '' : `&beforeSeq=${beforeSeq}`
  return api.get(`/api/me/wallet/entries?limit=${WALLET_ENTRIES_LIMIT}${query}`, walletEntriesPage)
}

/** tierInfo with `tiers` narrowed to TierDefinition[]. */
export type TierInfoResponse = Omit<TierInfo, 'tiers'> & { tiers: TierDefinition[] }

/**
 * The shared tierInfo contract types `tiers` as any[] (tier rules are operator-edited data with
 * no zod schema yet). The page divides by and renders those fields, so check them here; any
 * throw inside parse() becomes CLIENT.BAD_RESPONSE in api.ts, same as a zod failure.
 */
export const tierInfoResponse: Schema<TierInfoResponse> = {
  parse(data: unknown) {
    const info = tierInfo.parse(data)
    const tiers = info.tiers.map(assertTierDefinition)
    if (tiers.length === 0) throw new Error('tiers: empty')
    return { ...info, tiers }
  },
}

export function fetchTierInfo(): Promise<TierInfoResponse> {
  return api.get('/api/me/tier', tierInfoResponse)
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

export function assertTierDefinition(raw: unknown): TierDefinition {
  const t = raw as Partial<TierDefinition> | null
  const b = t?.benefits as Partial<TierDefinition['benefits']> | undefined
  const ok =
    !!t &&
    isInt(t.level) &&
    typeof t.name === 'string' &&
    isInt(t.entryGrowth) &&
    isInt(t.retainGrowth) &&
    isInt(t.multiplierPermille) &&
    !!b &&
    isInt(b.birthdayGiftPoints) &&
    isInt(b.freeParkingHours) &&
    isInt(b.monthlyCoupons) &&
    Array.isArray(b.perks) &&
    b.perks.every((p) => typeof p === 'string')
  if (!ok) throw new Error('tiers: malformed tier definition')
  return raw as TierDefinition
}
