import * as z from 'zod'

/**
 * The member privacy guide (隐私保护指引), shown the same on weapp and H5. Its version is what a member
 * consents to: changing the text means raising the version, and every member is asked again.
 * Retention periods follow docs/operations.md and docs/receipt-photos.md.
 */
export const PRIVACY_GUIDE_VERSION = '2026-12-06'

export interface PrivacyGuideSection {
  title: string
  paragraphs: string[]
}

export const PRIVACY_GUIDE: { title: string; version: string; sections: PrivacyGuideSection[] } = {
  title: '会员隐私保护指引',
  version: PRIVACY_GUIDE_VERSION,
  sections: [
    {
      title: '我们收集哪些信息',
      paragraphs: [
        '微信登录标识（用于识别您的会员身份，不会展示给任何人）、昵称、会员号、加入时间。',
        '您主动提供的手机号（经微信验证后绑定）和生日（用于生日礼遇）。',
        '积分明细、优惠券、签到、邀请好友、意见反馈（含您上传的照片）、小票照片与消费记录。',
      ],
    },
    {
      title: '为什么收集',
      paragraphs: [
        '计算和发放积分、会员等级与权益，核销优惠券，处理小票积分和积分补登申请。',
        '回复您的意见反馈，在您订阅后发送积分到账、到期等服务通知。',
        '防止刷分、重复领取等违规行为。我们不会将您的信息用于与会员服务无关的用途，也不会出售给任何第三方。',
      ],
    },
    {
      title: '保存多久',
      paragraphs: [
        '积分明细、消费记录和优惠券记录是账务凭证，在会员存续期间长期保存，以便核对每一笔积分。',
        '小票照片在审核完成后保存 180 天（以商场公布的小票积分规则为准），之后删除照片，仅保留审核结果；' +
          '上传后未提交的照片 1 天后删除。',
        '登录凭证最长保存 1 天，防重复提交的请求记录保存 48 小时，会员码与券码在有效期结束后删除。',
      ],
    },
    {
      title: '谁能看到',
      paragraphs: [
        '您本人可以在「我的数据」中查看和下载全部数据。',
        '门店收银员在收银台只能看到您的会员等级和积分，看不到您的手机号和生日。',
        '商场运营人员可查看会员资料以处理积分与反馈，手机号默认打码显示，查看完整信息需说明原因并留有记录。',
        '微信支付智慧商圈仅在您开通后接收积分同步所需的信息。',
      ],
    },
    {
      title: '您的权利',
      paragraphs: [
        '您可以随时查看、复制（下载）您的数据，解绑手机号（积分不受影响），或申请注销账号。',
        '如有疑问，可通过「意见反馈」联系我们。',
      ],
    },
  ],
}

export const privacyConsentRequest = z.strictObject({ version: z.string().min(1).max(40) })

export const privacyConsentStatus = z.object({
  /** the guide's version in effect */
  currentVersion: z.string(),
  /** the newest version this member agreed to, null if none */
  consentedVersion: z.string().nullable(),
  consentedAt: z.string().nullable(),
  /** true when the member must agree (first login, or a newer guide) */
  required: z.boolean(),
})
export type PrivacyConsentStatus = z.infer<typeof privacyConsentStatus>

/** Unbinding asks for a confirmation the client sends only after the member confirmed. */
export const unbindPhoneRequest = z.strictObject({ confirm: z.literal(true) })
