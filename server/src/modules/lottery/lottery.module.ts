import type { Connection } from 'mongoose'
import { BudgetChain } from '../../db/budget-chain'
import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import type { CouponClaimService } from '../coupons/claim.service'
import { couponModels } from '../coupons/coupon.model'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { isGrantable } from '../points-mall/gift-redemption.service'
import type { PointsMallParts } from '../points-mall/points-mall.module'
import { LotteryAdminService } from './lottery-admin.service'
import { LotteryDrawService } from './lottery-draw.service'
import { LotteryMemberViews } from './lottery-views'
import { lotteryModels } from './lottery.model'
import { PrizeStock } from './prize-stock'

/** What the lottery needs from the points mall for gift prizes. */
export interface LotteryGifts {
  /** the gift exists and can be handed out (pickup at the desk) */
  grantable(giftId: string): Promise<boolean>
  /** the redemption the gift became, once per key; null when the gift is sold out or refused */
  grant(memberId: string, giftId: string, key: string, now: Date): Promise<string | null>
}

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
    pointsMall: Pick<PointsMallParts, 'giftCatalogue' | 'giftRedemptions'>
  },
): LotteryParts {
  const m = lotteryModels(conn)
  const { giftCatalogue, giftRedemptions } = deps.pointsMall
  // Gift prizes go through the mall's own grant (stock, per-member limit, pickup code), keyed by the draw.
  const gifts: LotteryGifts = {
    grantable: (giftId) => giftCatalogue.gift(giftId).then(isGrantable, () => false),
    grant: async (memberId, giftId, key, now) => {
      const granted = await giftRedemptions.grant(memberId, giftId, key, now)
      return granted === 'sold_out' ? null : granted.redemptionId
    },
  }
  const stock = new PrizeStock(m)
  const budget = new BudgetChain(conn, { collection: 'lottery_budget', model: 'LotteryBudget' })
  const admin = new LotteryAdminService(m, { catalog: deps.catalog, gifts, stock, budget })
  const draws = new LotteryDrawService(m, { ...deps, admin, gifts, stock, budget, Coupon: couponModels(conn).Coupon })
  const views = new LotteryMemberViews(m, admin, (lottery, memberId, now) => draws.drawsToday(lottery, memberId, now))
  return { admin, draws, views }
}
