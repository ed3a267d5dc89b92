import { CouponBook } from '../coupons/coupon-book'
import { couponModels } from '../coupons/coupon.model'
import type { Core } from '../../context/core'
import { AccountDeletionService } from './account-deletion.service'
import { ErasedIdentities } from './erased-identities'

/** 注销账号, wired to the core; from now on the tokens of erased members are refused in this process. */
export function buildAccountDeletion(core: Core): AccountDeletionService {
  const { conn, config, tokens, ledger, members, memberRows } = core
  const couponBook = new CouponBook(conn, couponModels(conn), memberRows)
  // the same key as the welcome gift's check (context/core.ts)
  const erasedIdentities = new ErasedIdentities(conn, config.auth.jwtSecret)
  const service = new AccountDeletionService(conn, { ledger, members, couponBook, erasedIdentities })
  tokens.refuseMembers((memberId) => service.erased.has(memberId))
  return service
}
