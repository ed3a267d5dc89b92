import * as z from 'zod'

/**
 * WeChat subscribe messages (订阅消息) beyond the check-in reminder. A member opts in per kind in
 * the mini-program (wx.requestSubscribeMessage); each template the member accepts is one message
 * the server may send (a one-time subscription), kept by the server as a credit.
 */
export const NOTIFICATION_KINDS = ['points_earned', 'points_expiring', 'coupon_expiring', 'feedback_replied'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]
export const NOTIFICATION_TITLES: Record<NotificationKind, string> = {
  points_earned: '积分到账提醒',
  points_expiring: '积分过期提醒',
  coupon_expiring: '优惠券到期提醒',
  feedback_replied: '反馈回复通知',
}

export const notificationSettings = z.object({
  templates: z.array(
    z.object({
      kind: z.enum(NOTIFICATION_KINDS),
      /** what wx.requestSubscribeMessage takes (tmplIds) */
      templateId: z.string(),
      title: z.string(),
      /** messages the member's subscriptions still allow */
      credits: z.number().int().min(0),
    }),
  ),
})
export type NotificationSettings = z.infer<typeof notificationSettings>

/** The template ids the member accepted (the keys whose value was 'accept'). */
export const notificationSubscribeRequest = z.strictObject({
  templateIds: z.array(z.string().min(1).max(128)).min(1).max(10),
})
export type NotificationSubscribeRequest = z.infer<typeof notificationSubscribeRequest>
