import type { AuthService } from '../modules/auth/auth.service'
import type { LedgerService } from '../modules/ledger/ledger.service'
import type { MemberCodeService } from '../modules/member-code/member-code.service'
import type { MemberService } from '../modules/members/member.service'
import type { StaffService } from '../modules/staff/staff.service'
import type { StaffWorkspaceService } from '../modules/staff/workspace.service'
import type { CheckinService } from '../modules/checkin/checkin.service'
import type { ReferralService } from '../modules/referrals/referral.service'
import type { KpiService } from '../modules/ops/kpi.service'
import type { FeedbackService } from '../modules/feedback/feedback.service'
import type { RulesAdminService } from '../modules/ops/rules-admin.service'
import type { ProgramRules } from '../modules/rules/program-rules'
import type { PurchaseService } from '../modules/points/purchase.service'
import type { AwardPurchase } from '../modules/points/award-purchase'
import type { PurchaseReviewService } from '../modules/points/purchase-review.service'
import type { RedemptionService } from '../modules/points/redemption.service'
import type { WalletService } from '../modules/points/wallet.service'
import type { CouponClaimService } from '../modules/coupons/claim.service'
import type { CouponCatalogService } from '../modules/coupons/coupon-catalog.service'
import type { CouponRedemptionService } from '../modules/coupons/coupon-redemption.service'
import type { CampaignService } from '../modules/campaigns/campaign.service'
import type { PointsCampaignService } from '../modules/campaigns/points-campaign.service'
import type { StoreSalesService } from '../modules/staff/store-sales.service'
import type { MemberInsightService } from '../modules/insight/insight.service'
import type { MemberDirectoryService } from '../modules/insight/member-directory.service'
import type { SegmentService } from '../modules/insight/segment.service'
import type { StoreAdminService } from '../modules/stores/store-admin.service'
import type { StaffAdminService } from '../modules/staff/staff-admin.service'
import type { CouponTemplateAdminService } from '../modules/coupons/template-admin.service'
import type { MemberAdminService } from '../modules/member-admin/member-admin.service'
import type { NotificationService } from '../modules/notifications/notification.service'
import type { NotificationTriggers } from '../modules/notifications/notification-triggers'
import type { InviteCodeImages } from '../modules/wechat/invite-code-image'
import type { WechatPayParts } from '../modules/wechat-pay/wechat-pay.module'
import type { ReceiptPhotoParts } from '../modules/receipt-photos/receipt-photo.module'
import type { PointsMallParts } from '../modules/points-mall/points-mall.module'
import type { LotteryParts } from '../modules/lottery/lottery.module'
import type { WechatPayOps } from '../modules/wechat-pay/wechat-pay-ops'
import type { PointsClaimService } from '../modules/points-claims/points-claim.service'
import type { HomeContentService } from '../modules/home-content/home-content.service'
import type { AccountDeletionService } from '../modules/account-deletion/account-deletion.service'

/** Every service by name, as routes, jobs, the CLI and the demo seed reach them. */
export interface Services {
  ledger: LedgerService
  members: MemberService
  auth: AuthService
  staff: StaffService
  memberCodes: MemberCodeService
  rules: ProgramRules
  purchases: PurchaseService
  /** the till's channel of the earn pipeline: a scanned member code and a typed receipt */
  tillAwards: AwardPurchase
  purchaseReview: PurchaseReviewService
  redemptions: RedemptionService
  wallet: WalletService
  couponCatalog: CouponCatalogService
  couponClaims: CouponClaimService
  couponRedemptions: CouponRedemptionService
  workspace: StaffWorkspaceService
  storeSales: StoreSalesService
  checkin: CheckinService
  referrals: ReferralService
  kpis: KpiService
  feedback: FeedbackService
  campaigns: CampaignService
  /** double-points days / member day: budget, kill switch, simulator (the rules are `earning.campaigns`) */
  pointsCampaigns: PointsCampaignService
  rulesAdmin: RulesAdminService
  /** member profiles: RFM, lifecycle, churn risk (also feeds the KPI report) */
  insight: MemberInsightService
  memberDirectory: MemberDirectoryService
  /** saved segments; `segments.membersOf(id, now)` gives campaigns their audience */
  segments: SegmentService
  /** operator console: stores, staff accounts and coupon-template status, with history */
  storeAdmin: StoreAdminService
  staffAdmin: StaffAdminService
  couponTemplateAdmin: CouponTemplateAdminService
  /** operators' points adjustments (maker-checker above the threshold) and member freezes */
  memberAdmin: MemberAdminService
  /** subscribe messages: members' subscriptions (credits) and sending, once per subject */
  notifications: NotificationService
  /** when they go out: purchase and feedback listeners, expiry jobs */
  notificationTriggers: NotificationTriggers
  /** invite mini-program codes, fetched from WeChat once per invite code */
  inviteCodes: InviteCodeImages
  /** WeChat Pay 智慧商圈 pay-to-earn: notifications, member status, unmapped queue (docs/wechat-pay.md) */
  wechatPay: WechatPayParts['service']
  /** the 商圈会员积分同步 outbox (operators see what WeChat has not accepted yet) */
  wechatPaySyncs: WechatPayParts['sync']
  /** 小票积分: members' receipt photos, the desk's review queue, the operator's rules, OCR (docs/receipt-photos.md) */
  receiptPhotos: ReceiptPhotoParts['service']
  receiptReview: ReceiptPhotoParts['review']
  receiptPhotoRules: ReceiptPhotoParts['rules']
  receiptOcr: ReceiptPhotoParts['ocr']
  /** 积分商城: gifts, redemptions (and `grant` for other modules' prizes), pickup and delivery (docs/points-mall.md) */
  pointsMall: PointsMallParts
  /** 积分抽奖: setup and frozen prize versions, draws, audit and fairness report (docs/lottery.md) */
  lottery: LotteryParts
  /** the merchant → store mapping as operators list it */
  wechatPayOps: WechatPayOps
  /** 积分补登: members' missing-points claims and the service desk's queue */
  pointsClaims: PointsClaimService
  /** the member app's home page: banners, announcements, events (versioned) and the store directory */
  homeContent: HomeContentService
  /** 注销账号: members' deletion requests, the cooling-off and the erasure (docs/privacy.md) */
  accountDeletion: AccountDeletionService
}
