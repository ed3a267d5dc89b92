import type { Connection } from 'mongoose'
import type { CouponTemplateInput } from '@mall/shared'
import type { AppContext } from '../app-context'
import { couponModels } from '../modules/coupons/coupon.model'

const DEMO_TEMPLATES = (now: Date): CouponTemplateInput[] => {
  const day = 86400_000
  const base = {
    claimStart: new Date(now.getTime() - day).toISOString(),
    claimEnd: new Date(now.getTime() + 60 * day).toISOString(),
    eligibleTiers: [],
    storeIds: [],
    fundedBy: 'mall',
    discountPermille: 0,
    maxDiscountFen: 0,
    giftName: '',
    parkingHours: 0,
    thresholdFen: 0,
    valueFen: 0,
    perMemberLimit: 1,
    pricePoints: 0,
  }
  return [
    {
      ...base,
      name: '全场满200减30',
      type: 'cash_off',
      thresholdFen: 200_00,
      valueFen: 30_00,
      stock: 500,
      validity: { kind: 'relative', days: 14 },
    },
    {
      ...base,
      name: '停车2小时券',
      type: 'parking',
      parkingHours: 2,
      stock: null,
      pricePoints: 100,
      perMemberLimit: 5,
      validity: { kind: 'relative', days: 30 },
    },
    {
      ...base,
      name: '星巴克中杯饮品券',
      type: 'gift',
      giftName: '中杯饮品',
      stock: 50,
      storeIds: ['S001'],
      fundedBy: 'S001',
      pricePoints: 300,
      validity: { kind: 'relative', days: 7 },
    },
    {
      ...base,
      name: '优衣库9折券（最高减100）',
      type: 'percent_off',
      discountPermille: 900,
      maxDiscountFen: 100_00,
      stock: 200,
      storeIds: ['S002'],
      fundedBy: 'S002',
      validity: { kind: 'relative', days: 30 },
    },
    {
      ...base,
      name: '金卡专享50元代金券',
      type: 'voucher',
      valueFen: 50_00,
      stock: 100,
      eligibleTiers: [3, 4],
      validity: { kind: 'relative', days: 30 },
    },
    {
      ...base,
      name: '限量秒杀：满100减50',
      type: 'cash_off',
      thresholdFen: 100_00,
      valueFen: 50_00,
      stock: 3,
      validity: { kind: 'relative', days: 7 },
    },
  ]
}

/**
 * The demo's coupon templates (through the console's service, so each has its first history version)
 * and the tiers' monthly coupon; written once, on the first start.
 */
export async function seedDemoCoupons(ctx: AppContext, conn: Connection, now: Date): Promise<void> {
  if ((await couponModels(conn).Template.countDocuments({ createdBy: 'demo-seed' })) > 0) return
  for (const t of DEMO_TEMPLATES(now)) await ctx.services.couponTemplateAdmin.create(t, 'demo-seed', now)
  await seedTierMonthlyCoupon(ctx)
}

/** The tiers' "每月专享券" benefit, cut from a template members cannot claim themselves (paused). */
async function seedTierMonthlyCoupon({ services, now: clock }: AppContext): Promise<void> {
  const now = clock()
  const day = 86400_000
  const t = await services.couponTemplateAdmin.create(
    {
      name: '会员每月专享：满100减20',
      type: 'cash_off',
      thresholdFen: 100_00,
      valueFen: 20_00,
      discountPermille: 0,
      maxDiscountFen: 0,
      giftName: '',
      parkingHours: 0,
      stock: null,
      perMemberLimit: 1,
      claimStart: new Date(now.getTime() - day).toISOString(),
      claimEnd: new Date(now.getTime() + 365 * day).toISOString(),
      validity: { kind: 'relative', days: 30 },
      eligibleTiers: [],
      storeIds: [],
      pricePoints: 0,
      fundedBy: 'mall',
    },
    'demo-seed',
    now,
  )
  await services.couponTemplateAdmin.setStatus(
    t._id,
    { status: 'paused', note: '仅用于等级每月权益' },
    'demo-seed',
    now,
  )
  const { tiers } = await services.rules.current()
  const withCoupon = tiers.map((tier) => ({
    ...tier,
    benefits: { ...tier.benefits, monthlyCouponTemplateId: tier.benefits.monthlyCoupons > 0 ? t._id : null },
  }))
  await services.rulesAdmin.change('tiers', withCoupon, '每月专享券使用模板「会员每月专享」', 'demo-seed', now)
}
