import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import type { WalletHead } from '../ledger/ledger.service'
import type { MemberAtScan } from './purchase.service'

function isWalletHead(value: unknown): value is WalletHead {
  const head = value as WalletHead | null
  return (
    typeof head === 'object' &&
    head !== null &&
    Number.isInteger(head.seq) &&
    head.seq >= 0 &&
    typeof head.state === 'object' &&
    head.state !== null
  )
}

/**
 * Verifies that this staff member scanned this member's live code at this store; with what the scan
 * showed of the member (tokens signed before it carried that have none).
 */
export function scannedMember(
  tokens: TokenService,
  staff: StaffClaims,
  scanToken: string,
  now: Date,
): { memberId: string; atScan?: MemberAtScan } {
  let claims: {
    sub: string
    staffId: string
    storeId: string | null
    tier?: unknown
    invited?: unknown
    head?: unknown
  }
  try {
    claims = tokens.verify(scanToken, 'scan', now)
  } catch {
    throw new DomainError('SCAN.INVALID', 'scan token invalid or expired')
  }
  // A scan proves presence to the staff member who scanned, at their store, and to nobody else.
  if (claims.staffId !== staff.sub || claims.storeId !== staff.storeId)
    throw new DomainError('AUTH.FORBIDDEN', 'scan belongs to another staff member')
  const sealedHead = tokens.unseal(claims.head)
  const head = isWalletHead(sealedHead) ? { head: sealedHead } : {}
  const atScan =
    Number.isInteger(claims.tier) && typeof claims.invited === 'boolean'
      ? { tierLevel: claims.tier as number, invited: claims.invited, ...head }
      : undefined
  return { memberId: claims.sub, atScan }
}
