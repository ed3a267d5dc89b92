import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import type { FeedbackService } from '../feedback/feedback.service'
import type { MemberDirectoryService } from '../insight/member-directory.service'
import type { LotteryParts } from '../lottery/lottery.module'
import type { MemberService } from '../members/member.service'
import type { WalletService } from '../points/wallet.service'
import type { PointsClaimService } from '../points-claims/points-claim.service'
import type { PointsMallParts } from '../points-mall/points-mall.module'
import type { ReceiptReviewService } from '../receipt-photos/receipt-review.service'
import type { ReferralService } from '../referrals/referral.service'
import type { PrivacyService } from './privacy.service'

/** The member-facing views the export is made of, named as in the app's services. */
export interface MyDataSources {
  members: MemberService
  wallet: WalletService
  couponCatalog: CouponCatalogService
  memberDirectory: MemberDirectoryService
  referrals: ReferralService
  feedback: FeedbackService
  receiptReview: ReceiptReviewService
  pointsClaims: PointsClaimService
  pointsMall: Pick<PointsMallParts, 'giftFulfilment' | 'addressBook'>
  lottery: Pick<LotteryParts, 'views'>
}

const JOINED_VIA: Record<string, string> = { wechat: '微信登录', invite: '好友邀请', dev: '体验登录' }
const CHECKIN_KIND: Record<string, string> = { daily: '签到', makeup: '补签' }
// The export pages through the ledger in steps this size; a member's whole history fits in memory.
const LEDGER_PAGE = 200
const RECEIPTS_KEPT = 10_000

/**
 * 我的数据: everything the member app shows a member about themselves, in one file. Each section is the
 * same view the member's own pages read (`/api/me/...`), so the export carries no field a member page does
 * not: no WeChat identifiers, session keys, internal keys or staff ids. Only the caller's rows are read.
 */
export class MyDataService {
  constructor(
    private readonly sources: MyDataSources,
    private readonly privacy: PrivacyService,
  ) {}

  async export(memberId: string, now: Date) {
    const { members, couponCatalog, feedback, receiptReview, pointsClaims, pointsMall, lottery } = this.sources
    const [member, card, consents, unbinds] = await Promise.all([
      members.get(memberId),
      members.card(memberId),
      this.privacy.consents(memberId),
      this.privacy.phoneUnbinds(memberId),
    ])
    const [ledger, coupons, checkins, invites, tickets, receipts, claims, redemptions, draws, addresses] =
      await Promise.all([
        this.ledger(memberId),
        Promise.all((['unused', 'used', 'expired'] as const).map((s) => couponCatalog.myCoupons(memberId, s, now))),
        this.sources.memberDirectory.checkins(memberId, { page: 1, pageSize: Number.MAX_SAFE_INTEGER }),
        this.invites(memberId),
        feedback.mine(memberId),
        receiptReview.ofMember(memberId, RECEIPTS_KEPT),
        pointsClaims.mine(memberId),
        pointsMall.giftFulfilment.mine(memberId, undefined),
        lottery.views.myDraws(memberId),
        pointsMall.addressBook.list(memberId),
      ])
    return {
      说明: '这是您在本商场会员中心的全部个人数据（PIPL 查阅、复制权）。请妥善保管此文件。',
      exportedAt: now.toISOString(),
      profile: {
        memberNo: card.memberNo,
        nickname: card.nickname,
        tier: card.tier.name,
        pointsBalance: card.pointsBalance,
        phone: member.phone,
        birthday: member.birthday ?? null,
        joinedAt: card.joinedAt,
        joinedVia: JOINED_VIA[member.source.channel] ?? '其他',
      },
      privacy: {
        consents: consents.map((c) => ({ version: c.version, at: new Date(c.at).toISOString() })),
        phoneUnbinds: unbinds.map((u) => ({
          phoneMasked: u.phoneMasked,
          boundAt: new Date(u.boundAt).toISOString(),
          unboundAt: new Date(u.at).toISOString(),
        })),
      },
      ledger,
      coupons: coupons.flat(),
      checkins: checkins.items.map(({ kind, ...c }) => ({ ...c, kind: CHECKIN_KIND[kind] ?? kind })),
      invites,
      feedback: tickets,
      receipts,
      pointsClaims: claims,
      giftRedemptions: redemptions,
      lotteryDraws: draws,
      addresses,
    }
  }

  /** Every ledger entry, newest first, as the wallet page shows them. */
  private async ledger(memberId: string) {
    const entries = []
    let beforeSeq: number | undefined
    for (;;) {
      const page = await this.sources.wallet.entries(memberId, beforeSeq, LEDGER_PAGE)
      entries.push(...page.items)
      if (page.nextBeforeSeq === null) return entries
      beforeSeq = page.nextBeforeSeq
    }
  }

  /** The invite page's view (friends' nicknames masked), without the share link the app builds. */
  private async invites(memberId: string) {
    const { inviteCode, friends, totals } = await this.sources.referrals.summary(memberId, '')
    return { inviteCode, friends, totals }
  }
}
