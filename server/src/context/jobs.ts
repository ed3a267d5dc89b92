import type { Connection } from 'mongoose'
import type { AppConfig } from '@mall/config'
import { evaluateTiers, expirePoints } from '../jobs/points-jobs'
import { replayCheck } from '../jobs/replay-check'
import { TransientRowSweeper, transientCollections } from '../jobs/transient-rows'
import { expireGiftPickups, sweepGiftRedemptions } from '../jobs/gift-pickup-expiry'
import type { CampaignService } from '../modules/campaigns/campaign.service'
import type { TierMonthlyCoupons } from '../modules/coupons/tier-monthly-coupons'
import type { WechatClient } from '../modules/wechat/wechat-client'
import type { BuiltServices } from './build-services'
import { purchaseDays } from '../modules/ops/purchase-days'

/** Background work; main.ts schedules it, tests and operators run it on demand. */
export interface Jobs {
  expirePoints(now: Date): ReturnType<typeof expirePoints>
  evaluateTiers(now: Date): ReturnType<typeof evaluateTiers>
  replayCheck(): ReturnType<typeof replayCheck>
  /** the dashboard's ledger and purchase rows of the days closed since the last run (ops/*-days.ts) */
  closeKpiDays(now: Date): Promise<number>
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
  /** 注销账号: accounts past their cooling-off erased, erasures a crash cut short finished (every 10 minutes) */
  eraseDeletedAccounts(now: Date): Promise<{ erased: number }>
  /** erased members whose tokens this process refuses (every minute) */
  refreshErasedMembers(): Promise<number>
}

/** Each job calls the service that owns the rows it sweeps or the work it runs. */
export function buildJobs(
  conn: Connection,
  config: AppConfig,
  wechat: WechatClient,
  { services, tierMonthlyCoupons, wechatPayRefunds }: BuiltServices,
): Jobs {
  const { ledger, members, rules, memberCodes, couponClaims, checkin, referrals, purchases, campaigns } = services
  const { pointsMall, notificationTriggers } = services
  // Test runs may shorten the sweepers' grace (SWEEP_GRACE_SECONDS); undefined keeps each sweeper's 30 s.
  const grace = config.lifecycle.sweepGraceMs ?? undefined
  const transientRows = new TransientRowSweeper(conn, transientCollections(config.auth.refreshTokenTtlSeconds))
  return {
    expirePoints: (at) => expirePoints(ledger, at),
    evaluateTiers: (at) => evaluateTiers(conn, ledger, members, rules, at),
    replayCheck: () => replayCheck(ledger),
    closeKpiDays: async (at) =>
      (await services.kpis.ledgerDays.closeDays(at)) + (await purchaseDays(conn).closeDays(at)),
    sweepUsedCodes: (at) => memberCodes.sweep(at),
    sweepTransientRows: (at) => transientRows.sweep(at),
    sweepCouponClaims: async (at) => ({
      ...(await couponClaims.sweep(at, grace)),
      usesSettled: await services.couponRedemptions.uses.sweep(at, grace),
    }),
    sweepCheckins: (at) => checkin.sweep(at, grace),
    sweepReferrals: (at) => referrals.sweep(at, grace),
    sweepPurchases: async (at) =>
      (await purchases.sweep(at, grace)) +
      (await services.purchaseReview.sweep(at, grace)) +
      (await services.pointsClaims.sweep(at, grace)),
    runCampaigns: (at) => campaigns.runAll(at),
    sweepCampaignGrants: (at) => campaigns.sweep(at),
    sweepLotteryDraws: (at) => services.lottery.draws.sweep(at),
    eraseDeletedAccounts: (at) => services.accountDeletion.eraseDue(at),
    refreshErasedMembers: () => services.accountDeletion.erased.refresh(),
    grantTierMonthlyCoupons: (at) => tierMonthlyCoupons.run(at),
    syncWechatPayPoints: (at) => services.wechatPaySyncs.run(at),
    expireGiftPickups: (at) => expireGiftPickups(pointsMall, at),
    sweepGiftRedemptions: (at) => sweepGiftRedemptions(pointsMall, at),
    sweepWechatPay: async (at) => ({
      refunds: await wechatPayRefunds.sweep(at),
      nonces: await services.wechatPay.sweepNonces(at),
    }),
    sweepReceiptPhotos: (at) => services.receiptReview.sweep(at),
    notifyPointsExpiring: (at) => notificationTriggers.pointsExpiring(at),
    notifyCouponsExpiring: (at) => notificationTriggers.couponsExpiring(at),
    refreshNotificationAudience: () => notificationTriggers.refreshAudience(),
    sendCheckinReminders: (at) =>
      checkin.sendReminders(at, (openid) =>
        wechat.sendSubscribeMessage({
          openid,
          templateId: config.wechat.checkinReminderTemplateId,
          page: 'pages/checkin/index',
          data: { thing1: { value: '今天还没有签到哦' }, thing2: { value: '签到领积分，连续签到有惊喜' } },
        }),
      ),
  }
}
