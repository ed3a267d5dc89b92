import type { CouponTemplateInput, FeedbackSubmitRequest } from '@mall/shared'
import type { AppContext } from '../../app-context'
import { Prng } from './prng'

const DAY = 86400_000

const FEEDBACK: [FeedbackSubmitRequest['category'], string][] = [
  ['parking', '周末地下停车场B2找车位太难了，指示灯经常不准，希望能改进。'],
  ['environment', '五楼餐饮区洗手间排队很久，建议高峰期增加保洁。'],
  ['service', '服务台的小姐姐很耐心，帮我补登了积分，点赞！'],
  ['activity', '会员日双倍积分能不能也覆盖周末？工作日来不了。'],
  ['goods', '三楼运动品牌的尺码经常断货，希望能调货。'],
  ['membership', '积分兑换的礼品种类太少了，希望增加一些生活用品。'],
  ['other', '商场的儿童游乐区周末人太多，希望能预约。'],
  ['parking', '停车缴费的小程序有时打不开，出场排队很久。'],
  ['service', '微信支付自动积分很方便，但有一笔没到账，麻烦查一下。'],
  ['environment', '中庭空调温度偏低，冬天穿着外套都觉得冷。'],
]

/**
 * The part of the demo year that goes through the services, small enough to be quick: coupons
 * members claimed in the last weeks and redeemed at stores (the coupon book, stock slots and uses
 * stay as consistent as in production), and feedback tickets with some answered.
 */
export async function seedMallActivity(
  ctx: AppContext,
  memberIds: string[],
  storeIds: string[],
  now: Date,
): Promise<Record<string, number>> {
  const rng = new Prng(7)
  const { services } = ctx
  const templates: CouponTemplateInput[] = [
    mallTemplate('商场周年庆：满300减50', 300_00, 50_00, now),
    mallTemplate('餐饮满100减15', 100_00, 15_00, now),
  ]
  let claimed = 0
  let redeemed = 0
  for (const input of templates) {
    const t = await services.couponTemplateAdmin.create(input, 'demo-seed', new Date(now.getTime() - 60 * DAY))
    for (let i = 0; i < 260; i++) {
      const memberId = rng.pick(memberIds)
      const at = new Date(now.getTime() - rng.int(1, 45) * DAY - rng.int(0, 600) * 60_000)
      const coupon = await services.couponClaims.claim(memberId, t._id, at).catch(() => null)
      if (!coupon) continue
      claimed++
      if (!rng.chance(0.45)) continue
      const usedAt = new Date(Math.min(at.getTime() + rng.int(1, 10) * DAY, now.getTime() - 3600_000))
      const storeId = rng.pick(storeIds)
      const staff = { sub: `seed-${storeId.toLowerCase()}`, role: 'clerk' as const, storeId }
      const code = await services.couponRedemptions.code(memberId, coupon._id, usedAt).catch(() => null)
      if (code && (await services.couponRedemptions.redeem(staff, code.code, usedAt).catch(() => null))) redeemed++
    }
  }
  let feedback = 0
  for (let i = 0; i < 40; i++) {
    const [category, text] = rng.pick(FEEDBACK)
    const at = new Date(now.getTime() - rng.int(0, 40) * DAY - rng.int(0, 600) * 60_000)
    const ticket = await services.feedback.submit(rng.pick(memberIds), { category, text }, at).catch(() => null)
    if (!ticket) continue
    feedback++
    if (rng.chance(0.6)) {
      const later = new Date(at.getTime() + rng.int(20, 600) * 60_000)
      await services.feedback.act('operator', ticket.ticketId, 'assign', '客服部', later).catch(() => null)
      await services.feedback
        .act('operator', ticket.ticketId, 'reply', '感谢您的反馈，我们已安排处理，欢迎继续监督。', later)
        .catch(() => null)
      // Most answered tickets are closed a day or a few later, so the dashboard has resolution figures.
      const closedAt = new Date(later.getTime() + rng.int(1, 3) * DAY + rng.int(0, 480) * 60_000)
      if (rng.chance(0.7) && closedAt < now)
        await services.feedback
          .act('operator', ticket.ticketId, 'close', '已处理完毕，感谢您对商场的支持。', closedAt)
          .catch(() => null)
    }
  }
  return { couponsClaimed: claimed, couponsRedeemed: redeemed, feedback }
}

function mallTemplate(name: string, thresholdFen: number, valueFen: number, now: Date): CouponTemplateInput {
  return {
    name,
    type: 'cash_off',
    thresholdFen,
    valueFen,
    discountPermille: 0,
    maxDiscountFen: 0,
    giftName: '',
    parkingHours: 0,
    stock: 2000,
    perMemberLimit: 1,
    claimStart: new Date(now.getTime() - 60 * DAY).toISOString(),
    claimEnd: new Date(now.getTime() + 30 * DAY).toISOString(),
    validity: { kind: 'relative', days: 30 },
    eligibleTiers: [],
    storeIds: [],
    pricePoints: 0,
    fundedBy: 'mall',
  }
}
