import type { Connection } from 'mongoose'
import { BudgetChain } from '../../db/budget-chain'
import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import type { CouponClaimService } from '../coupons/claim.service'
import { couponModels } from '../coupons/coupon.model'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { LotteryAdminService } from './lottery-admin.service'
import { LotteryDrawService } from './lottery-draw.service'
import { LotteryMemberViews } from './lottery-views'
import { lotteryModels } from './lottery.model'
import { PrizeStock } from './prize-stock'

export interface LotteryParts {
  admin: LotteryAdminService
  draws: LotteryDrawService
  views: LotteryMemberViews
}

/** The points lottery (docs/lottery.md): one prize stock and one budget chain shared by its services. */
export function buildLottery(
  conn: Connection,
  deps: {
    ledger: LedgerService
    members: MemberService
    rules: ProgramRules
    coupons: CouponClaimService
    catalog: CouponCatalogService
  },
): LotteryParts {
  const m = lotteryModels(conn)
  const stock = new PrizeStock(m)
  const budget = new BudgetChain(conn, { collection: 'lottery_budget', model: 'LotteryBudget' })
  const admin = new LotteryAdminService(m, { catalog: deps.catalog, stock, budget })
  const draws = new LotteryDrawService(m, { ...deps, admin, stock, budget, Coupon: couponModels(conn).Coupon })
  const views = new LotteryMemberViews(m, admin, (lottery, memberId, now) => draws.drawsToday(lottery, memberId, now))
  return { admin, draws, views }
}
