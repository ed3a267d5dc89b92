import { PointsCampaignService } from '../modules/campaigns/points-campaign.service'
import { CouponClaimService } from '../modules/coupons/claim.service'
import { CouponBook } from '../modules/coupons/coupon-book'
import { CouponCatalogService } from '../modules/coupons/coupon-catalog.service'
import { CouponRedemptionService } from '../modules/coupons/coupon-redemption.service'
import { couponModels } from '../modules/coupons/coupon.model'
import { TemplateCache } from '../modules/coupons/template-cache'
import { CouponTemplateAdminService } from '../modules/coupons/template-admin.service'
import { TierMonthlyCoupons } from '../modules/coupons/tier-monthly-coupons'
import { MemberCodeService } from '../modules/member-code/member-code.service'
import { PurchaseReviewService } from '../modules/points/purchase-review.service'
import { PurchaseService } from '../modules/points/purchase.service'
import { RedemptionService } from '../modules/points/redemption.service'
import { AwardPurchase } from '../modules/points/award-purchase'
import { WalletService } from '../modules/points/wallet.service'
import type { Core } from './core'
import type { Services } from './services'

export type EarningServices = Pick<
  Services,
  'pointsCampaigns' | 'purchases' | 'memberCodes' | 'purchaseReview' | 'tillAwards' | 'redemptions' | 'wallet'
>

/** The one earn pipeline (PurchaseService) and its channels, plus spending points and the member code. */
export function buildEarning({ conn, config, tokens, ledger, members, rules }: Core): EarningServices {
  const pointsCampaigns = new PointsCampaignService(conn, rules)
  const purchases = new PurchaseService(conn, ledger, members, rules, pointsCampaigns)
  return {
    pointsCampaigns,
    purchases,
    memberCodes: new MemberCodeService(conn, config.auth.memberCodeSecret, members, tokens),
    purchaseReview: new PurchaseReviewService(purchases, ledger, rules),
    tillAwards: new AwardPurchase(conn, purchases, ledger, rules, tokens),
    redemptions: new RedemptionService(ledger, tokens),
    wallet: new WalletService(ledger, members, rules),
  }
}

export type CouponServices = Pick<
  Services,
  'couponCatalog' | 'couponClaims' | 'couponRedemptions' | 'couponTemplateAdmin'
> & {
  /** the tier benefit's monthly grant; only the daily job runs it */
  tierMonthlyCoupons: TierMonthlyCoupons
}

/** Coupons: one book per member (rows carry its hint), templates cached, claims and redemptions at the till. */
export function buildCoupons({ conn, config, memberRows, ledger, members, rules }: Core): CouponServices {
  const couponBook = new CouponBook(conn, couponModels(conn), memberRows)
  const couponTemplates = new TemplateCache(couponModels(conn))
  const couponCatalog = new CouponCatalogService(conn, members, couponBook, couponTemplates)
  const couponClaims = new CouponClaimService(conn, ledger, members, couponBook, couponTemplates)
  return {
    couponCatalog,
    couponClaims,
    couponRedemptions: new CouponRedemptionService(conn, config.auth.memberCodeSecret, couponCatalog, members),
    couponTemplateAdmin: new CouponTemplateAdminService(conn, couponCatalog),
    tierMonthlyCoupons: new TierMonthlyCoupons(conn, couponClaims, rules),
  }
}
