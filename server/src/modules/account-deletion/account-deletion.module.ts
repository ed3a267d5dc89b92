import { CouponBook } from '../coupons/coupon-book'
import { couponModels } from '../coupons/coupon.model'
import type { Core } from '../../context/core'
import { AccountDeletionService } from './account-deletion.service'

/** 注销账号, wired to the core; from now on the tokens of erased members are refused in this process. */
export function buildAccountDeletion({ conn, tokens, ledger, members, memberRows }: Core): AccountDeletionService {
  const couponBook = new CouponBook(conn, couponModels(conn), memberRows)
  const service = new AccountDeletionService(conn, { ledger, members, couponBook })
  tokens.refuseMembers((memberId) => service.erased.has(memberId))
  return service
}
