import type { Logger } from 'pino'
import { CampaignService } from '../modules/campaigns/campaign.service'
import { CheckinService } from '../modules/checkin/checkin.service'
import { FeedbackService } from '../modules/feedback/feedback.service'
import { MemberInsightService } from '../modules/insight/insight.service'
import { SegmentService } from '../modules/insight/segment.service'
import { NotificationTriggers } from '../modules/notifications/notification-triggers'
import { NotificationService } from '../modules/notifications/notification.service'
import { ReferralService } from '../modules/referrals/referral.service'
import type { WechatClient } from '../modules/wechat/wechat-client'
import { InviteCodeImages } from '../modules/wechat/invite-code-image'
import type { Core } from './core'
import type { CouponServices, EarningServices } from './earning-and-coupons'
import type { Services } from './services'

export type EngagementServices = Pick<
  Services,
  | 'checkin'
  | 'referrals'
  | 'feedback'
  | 'insight'
  | 'segments'
  | 'campaigns'
  | 'notifications'
  | 'notificationTriggers'
  | 'inviteCodes'
>

/**
 * What brings members back: check-in, referrals, feedback, segments and campaigns, subscribe messages. Referrals
 * and messages listen to registrations, posted and reversed purchases and feedback replies.
 */
export function buildEngagement(
  core: Core,
  { purchases }: Pick<EarningServices, 'purchases'>,
  { couponClaims, couponCatalog }: Pick<CouponServices, 'couponClaims' | 'couponCatalog'>,
  wechat: WechatClient,
  logger: Logger,
): EngagementServices {
  const { conn, config, ledger, members, rules } = core
  const checkin = new CheckinService(conn, ledger, rules, (memberId, templateId, at) =>
    couponClaims.claim(memberId, templateId, at),
  )
  const referrals = new ReferralService(conn, ledger, members, rules)
  const feedback = new FeedbackService(conn)
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
  purchases.listeners.posted.push(referrals.onPurchasePosted)
  purchases.listeners.reversed.push(referrals.onPurchaseReversed)
  const { templates } = config.wechat
  const notifications = new NotificationService(
    conn,
    wechat,
    members,
    {
      points_earned: templates.pointsEarned,
      points_expiring: templates.pointsExpiring,
      coupon_expiring: templates.couponExpiring,
      feedback_replied: templates.feedbackReplied,
    },
    config.wechat.envVersion,
    logger,
  )
  const notificationTriggers = new NotificationTriggers(notifications, ledger, couponCatalog, logger)
  purchases.listeners.posted.push(notificationTriggers.onPurchasePosted)
  feedback.listeners.responded.push(notificationTriggers.onFeedbackReplied)
  return {
    checkin,
    referrals,
    feedback,
    insight,
    segments,
    campaigns,
    notifications,
    notificationTriggers,
    inviteCodes: new InviteCodeImages(conn, wechat, members, config.wechat.envVersion),
  }
}
