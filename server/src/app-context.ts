import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import type { AppConfig } from '@mall/config'
import { shanghaiMonth } from '@mall/shared'
import { AuthService } from './modules/auth/auth.service'
import { TokenService } from './modules/auth/tokens'
import type { WechatClient } from './modules/wechat/wechat-client'
import { LedgerService } from './modules/ledger/ledger.service'
import { MemberCodeService } from './modules/member-code/member-code.service'
import { MemberRepo } from './modules/members/member.repo'
import { MemberService, type RegistrationHook } from './modules/members/member.service'
import { StaffService } from './modules/staff/staff.service'
import { StaffWorkspaceService } from './modules/staff/workspace.service'
import { CheckinService } from './modules/checkin/checkin.service'
import { ReferralService } from './modules/referrals/referral.service'
import { KpiService } from './modules/ops/kpi.service'
import { FeedbackService } from './modules/feedback/feedback.service'
import { RulesAdminService } from './modules/ops/rules-admin.service'
import { ProgramRules } from './modules/rules/program-rules'
import { PurchaseService } from './modules/points/purchase.service'
import { TillAwardService } from './modules/points/till-award.service'
import { PurchaseReviewService } from './modules/points/purchase-review.service'
import { RedemptionService } from './modules/points/redemption.service'
import { WalletService } from './modules/points/wallet.service'
import { evaluateTiers, expirePoints } from './jobs/points-jobs'
import { CouponClaimService } from './modules/coupons/claim.service'
import { CouponBook } from './modules/coupons/coupon-book'
import { couponModels } from './modules/coupons/coupon.model'
import { CouponCatalogService } from './modules/coupons/coupon-catalog.service'
import { CouponRedemptionService } from './modules/coupons/coupon-redemption.service'
import { replayCheck } from './jobs/replay-check'
import { TransientRowSweeper, transientCollections } from './jobs/transient-rows'
import { CampaignService } from './modules/campaigns/campaign.service'
import { TemplateCache } from './modules/coupons/template-cache'
import { TierMonthlyCoupons } from './modules/coupons/tier-monthly-coupons'
import { PointsCampaignService } from './modules/campaigns/points-campaign.service'
import { StoreSalesService } from './modules/staff/store-sales.service'
import { MemberInsightService } from './modules/insight/insight.service'
import { MemberDirectoryService } from './modules/insight/member-directory.service'
import { SegmentService } from './modules/insight/segment.service'
import { StoreAdminService } from './modules/stores/store-admin.service'
import { StaffAdminService } from './modules/staff/staff-admin.service'
import { CouponTemplateAdminService } from './modules/coupons/template-admin.service'
import { MemberAdminService } from './modules/member-admin/member-admin.service'
import { NotificationService } from './modules/notifications/notification.service'
import { NotificationTriggers } from './modules/notifications/notification-triggers'
import { InviteCodeImages } from './modules/wechat/invite-code-image'
import { buildWechatPay, type WechatPayParts } from './modules/wechat-pay/wechat-pay.module'
import { buildReceiptPhotos, type ReceiptPhotoParts } from './modules/receipt-photos/receipt-photo.module'
import { buildPointsMall, type PointsMallParts } from './modules/points-mall/points-mall.module'
import { expireGiftPickups, sweepGiftRedemptions } from './jobs/gift-pickup-expiry'
import { buildLottery, type LotteryParts } from './modules/lottery/lottery.module'
import { wechatPayModels } from './modules/wechat-pay/wechat-pay.model'
import { WechatPayOps } from './modules/wechat-pay/wechat-pay-ops'
import { PointsClaimService } from './modules/points-claims/points-claim.service'
import { pointsClaimModels } from './modules/points-claims/points-claim.model'
import { HomeContentService } from './modules/home-content/home-content.service'

export interface AppDeps {
  config: AppConfig
  conn: Connection
  wechat: WechatClient
  logger: Logger
  /** the clock; tests pass a controllable one */
  now?: () => Date
}

export interface Services {
  ledger: LedgerService
  members: MemberService
  auth: AuthService
  staff: StaffService
  memberCodes: MemberCodeService
  rules: ProgramRules
  purchases: PurchaseService
  /** the till's channel of the earn pipeline: a scanned member code and a typed receipt */
  tillAwards: TillAwardService
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
}

/** Background work; main.ts schedules it, tests and operators run it on demand. */
export interface Jobs {
  expirePoints(now: Date): ReturnType<typeof expirePoints>
  evaluateTiers(now: Date): ReturnType<typeof evaluateTiers>
  replayCheck(): ReturnType<typeof replayCheck>
  sweepUsedCodes(now: Date): Promise<number>
  /** idempotency records, rate-limit blocks, job leases and other rows past their retention (transient-rows.ts) */
  sweepTransientRows(now: Date): Promise<Record<string, number>>
  sweepCouponClaims(now: Date): Promise<{ activated: number; released: number; usesSettled: number }>
  sweepCheckins(now: Date): Promise<{ rewards: number; cards: number }>
  sendCheckinReminders(now: Date): Promise<number>
  /** subscribe messages: points expiring in 30 / 7 days, coupons within 3 days of their end (daily) */
  notifyPointsExpiring(now: Date): Promise<number>
  notifyCouponsExpiring(now: Date): Promise<number>
  /** who subscribed to points-earned messages, for this process's purchase listener (every minute) */
  refreshNotificationAudience(): Promise<number>
  sweepReferrals(now: Date): Promise<number>
  sweepPurchases(now: Date): Promise<number>
  runCampaigns(now: Date): ReturnType<CampaignService['runAll']>
  sweepCampaignGrants(now: Date): Promise<number>
  /** tier benefit: this month's coupons to members of tiers that have them (daily; keyed per member and month) */
  grantTierMonthlyCoupons(now: Date): ReturnType<TierMonthlyCoupons['run']>
  /** 商圈会员积分同步 outbox: sends due syncs to WeChat Pay (every 15 s) */
  syncWechatPayPoints(now: Date): Promise<{ sent: number; accepted: number }>
  /** refunds whose payment was posted meanwhile, and notification nonces past their window */
  sweepWechatPay(now: Date): Promise<{ refunds: number; nonces: number }>
  /** receipt photos: decision caches a crash left behind, photos past retention (every 10 minutes) */
  sweepReceiptPhotos(now: Date): Promise<{ repaired: number; purged: number }>
  /** points mall: unclaimed pickups past their last day lapse (every 10 minutes) */
  expireGiftPickups(now: Date): ReturnType<typeof expireGiftPickups>
  /** points mall: redemptions left unpaid, decisions left without their refund (every 10 s) */
  sweepGiftRedemptions(now: Date): ReturnType<typeof sweepGiftRedemptions>
  /** lottery draws a crash left unpaid-but-pending or paid-but-unsettled (every minute) */
  sweepLotteryDraws(now: Date): Promise<number>
}

/** What route modules receive: services plus the cross-cutting pieces they need. */
export interface AppContext {
  services: Services
  jobs: Jobs
  conn: Connection
  tokens: TokenService
  now: () => Date
  limits: AppConfig['rateLimits']
  config: AppConfig
}

const WELCOME_EXPIRY_MONTHS = 12

export function buildContext(deps: AppDeps): AppContext {
  const { config, conn } = deps
  const now = deps.now ?? (() => new Date())
  const tokens = new TokenService({
    secret: config.auth.jwtSecret,
    accessTtlSeconds: config.auth.accessTokenTtlSeconds,
    refreshTtlSeconds: config.auth.refreshTokenTtlSeconds,
    operatorRefreshTtlSeconds: config.auth.operatorIdleSeconds,
  })
  // The one writer of member rows, which also carry the wallet and coupon book hints.
  const memberRows = new MemberRepo(conn)
  const ledger = new LedgerService(conn, memberRows)

  // Welcome gift: keyed by member, so a crash or a repeated login can never post it twice.
  const welcomePoints: RegistrationHook = async (member, input) => {
    if (config.welcomeGift.points <= 0) return
    await ledger.post({
      memberId: member._id,
      eventKey: `welcome:${member._id}`,
      type: 'welcome',
      now: input.now,
      plan: () => ({
        op: {
          kind: 'credit',
          points: config.welcomeGift.points,
          earnedMonth: shanghaiMonth(input.now),
          expiryMonths: WELCOME_EXPIRY_MONTHS,
        },
        meta: { reason: '新会员注册礼' },
      }),
    })
  }

  const rules = new ProgramRules(conn)
  const members = new MemberService(memberRows, ledger, [welcomePoints], rules)
  const pointsCampaigns = new PointsCampaignService(conn, rules)
  const purchases = new PurchaseService(conn, ledger, members, rules, pointsCampaigns)
  const memberCodes = new MemberCodeService(conn, config.auth.memberCodeSecret, members, tokens)
  const couponBook = new CouponBook(conn, couponModels(conn), memberRows)
  const couponTemplates = new TemplateCache(couponModels(conn))
  const couponCatalog = new CouponCatalogService(conn, members, couponBook, couponTemplates)
  const couponClaims = new CouponClaimService(conn, ledger, members, couponBook, couponTemplates)
  const tierMonthlyCoupons = new TierMonthlyCoupons(conn, couponClaims, rules)
  const checkin = new CheckinService(conn, ledger, rules, (memberId, templateId, at) =>
    couponClaims.claim(memberId, templateId, at),
  )
  const referrals = new ReferralService(conn, ledger, members, rules)
  const feedback = new FeedbackService(conn)
  const workspace = new StaffWorkspaceService(conn, rules)
  const storeSales = new StoreSalesService(conn, workspace)
  const insight = new MemberInsightService(conn)
  const segments = new SegmentService(conn, insight)
  const campaigns = new CampaignService(conn, {
    ledger,
    rules,
    coupons: couponClaims,
    catalog: couponCatalog,
    audience: {
      matching: async (definition, at) =>
        (await segments.matching(definition, at)).map((p) => ({
          memberId: p.member._id,
          tierLevel: p.member.tierLevel,
        })),
      definitionOf: (segmentId) => segments.definitionOf(segmentId),
    },
  })
  members.onRegistered((member, input) => referrals.onRegistered(member, input.now))
  purchases.listeners.posted.push((memberId, purchaseId, at, invited) =>
    referrals.onPurchasePosted(memberId, purchaseId, at, invited),
  )
  purchases.listeners.reversed.push((memberId, purchaseId, at) =>
    referrals.onPurchaseReversed(memberId, purchaseId, at),
  )
  const { templates } = config.wechat
  const notifications = new NotificationService(
    conn,
    deps.wechat,
    members,
    {
      points_earned: templates.pointsEarned,
      points_expiring: templates.pointsExpiring,
      coupon_expiring: templates.couponExpiring,
      feedback_replied: templates.feedbackReplied,
    },
    config.wechat.envVersion,
    deps.logger,
  )
  const notificationTriggers = new NotificationTriggers(notifications, ledger, couponCatalog, deps.logger)
  purchases.listeners.posted.push((memberId, purchaseId, at) =>
    notificationTriggers.onPurchasePosted(memberId, purchaseId, at),
  )
  feedback.listeners.responded.push(notificationTriggers.onFeedbackReplied)
  const wechatPay = buildWechatPay(conn, config, purchases, ledger, members, rules, deps.logger)
  const receiptPhotos = buildReceiptPhotos(conn, purchases, ledger, rules, deps.logger)
  const pointsMall = buildPointsMall(conn, config.auth.memberCodeSecret, ledger, members, rules)
  const services: Services = {
    ledger,
    members,
    auth: new AuthService(conn, members, tokens, deps.wechat, config.auth.devLogin),
    staff: new StaffService(conn, tokens, config.auth.operatorTotp),
    memberCodes,
    rules,
    purchases,
    purchaseReview: new PurchaseReviewService(purchases, ledger, rules),
    tillAwards: new TillAwardService(conn, purchases, ledger, rules, tokens),
    redemptions: new RedemptionService(ledger, tokens),
    wallet: new WalletService(ledger, members, rules),
    couponCatalog,
    couponClaims,
    couponRedemptions: new CouponRedemptionService(conn, config.auth.memberCodeSecret, couponCatalog, members),
    workspace,
    storeSales,
    checkin,
    referrals,
    kpis: new KpiService(conn, feedback, insight, rules, storeSales, ledger),
    feedback,
    campaigns,
    pointsCampaigns,
    rulesAdmin: new RulesAdminService(conn, rules),
    insight,
    memberDirectory: new MemberDirectoryService(conn, insight, members, ledger, rules),
    segments,
    storeAdmin: new StoreAdminService(conn, (storeId) => purchases.forgetStore(storeId)),
    staffAdmin: new StaffAdminService(conn),
    couponTemplateAdmin: new CouponTemplateAdminService(conn, couponCatalog),
    memberAdmin: new MemberAdminService(conn, {
      ledger,
      members,
      rules,
      approvalThreshold: config.memberAdmin.approvalThresholdPoints,
    }),
    notifications,
    notificationTriggers,
    inviteCodes: new InviteCodeImages(conn, deps.wechat, members, config.wechat.envVersion),
    wechatPay: wechatPay.service,
    wechatPaySyncs: wechatPay.sync,
    receiptPhotos: receiptPhotos.service,
    receiptReview: receiptPhotos.review,
    receiptPhotoRules: receiptPhotos.rules,
    receiptOcr: receiptPhotos.ocr,
    pointsMall,
    lottery: buildLottery(conn, { ledger, members, rules, coupons: couponClaims, catalog: couponCatalog, pointsMall }),
    wechatPayOps: new WechatPayOps(wechatPayModels(conn)),
    pointsClaims: new PointsClaimService(pointsClaimModels(conn), purchases, members, rules, {
      models: wechatPayModels(conn),
      client: wechatPay.client,
      service: wechatPay.service,
      appId: config.wechat.appId,
    }),
    homeContent: new HomeContentService(conn),
  }
  const transientRows = new TransientRowSweeper(conn, transientCollections(config.auth.refreshTokenTtlSeconds))
  const jobs: Jobs = {
    expirePoints: (at) => expirePoints(ledger, at),
    evaluateTiers: (at) => evaluateTiers(conn, ledger, members, rules, at),
    replayCheck: () => replayCheck(ledger),
    sweepUsedCodes: (at) => memberCodes.sweep(at),
    sweepTransientRows: (at) => transientRows.sweep(at),
    sweepCouponClaims: async (at) => ({
      ...(await couponClaims.sweep(at)),
      usesSettled: await services.couponRedemptions.uses.sweep(at),
    }),
    sweepCheckins: (at) => checkin.sweep(at),
    sweepReferrals: (at) => referrals.sweep(at),
    sweepPurchases: async (at) =>
      (await purchases.sweep(at)) + (await services.purchaseReview.sweep(at)) + (await services.pointsClaims.sweep(at)),
    runCampaigns: (at) => campaigns.runAll(at),
    sweepCampaignGrants: (at) => campaigns.sweep(at),
    sweepLotteryDraws: (at) => services.lottery.draws.sweep(at),
    grantTierMonthlyCoupons: (at) => tierMonthlyCoupons.run(at),
    syncWechatPayPoints: (at) => wechatPay.sync.run(at),
    expireGiftPickups: (at) => expireGiftPickups(pointsMall, at),
    sweepGiftRedemptions: (at) => sweepGiftRedemptions(pointsMall, at),
    sweepWechatPay: async (at) => ({
      refunds: await wechatPay.refunds.sweep(at),
      nonces: await wechatPay.service.sweepNonces(at),
    }),
    sweepReceiptPhotos: (at) => receiptPhotos.review.sweep(at),
    notifyPointsExpiring: (at) => notificationTriggers.pointsExpiring(at),
    notifyCouponsExpiring: (at) => notificationTriggers.couponsExpiring(at),
    refreshNotificationAudience: () => notificationTriggers.refreshAudience(),
    sendCheckinReminders: (at) =>
      checkin.sendReminders(at, (openid) =>
        deps.wechat.sendSubscribeMessage({
          openid,
          templateId: config.wechat.checkinReminderTemplateId,
          page: 'pages/checkin/index',
          data: { thing1: { value: '今天还没有签到哦' }, thing2: { value: '签到领积分，连续签到有惊喜' } },
        }),
      ),
  }
  return { services, jobs, conn, tokens, now, limits: config.rateLimits, config }
}

/** Creates collections and unique indexes up front so the first requests cannot race them. */
export async function ensureIndexes(conn: Connection): Promise<void> {
  await Promise.all(Object.values(conn.models).map((m) => m.init()))
}
