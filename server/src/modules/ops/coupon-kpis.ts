import { trusted, type Connection } from 'mongoose'
import { percent as pct, type KpiReport } from '@mall/shared'
import { CouponUseChain } from '../coupons/coupon-uses'
import { couponModels } from '../coupons/coupon.model'

/**
 * The dashboard's coupon figures for a range: coupons claimed in it, redemptions in it still standing
 * (an undone one does not count; with a store filter only that store's), per template and overall.
 */
export async function couponKpis(
  conn: Connection,
  range: { $gte: Date; $lt: Date },
  storeId: string | undefined,
): Promise<{ metric: KpiReport['metrics'][number]; table: KpiReport['tables'][number] }> {
  const models = couponModels(conn)
  const { Coupon, RedemptionLog, Template } = models
  const [claimed, redemptions, templates] = await Promise.all([
    Coupon.find({ claimedAt: trusted(range) }, { templateId: 1, memberId: 1 })
      .lean()
      .exec(),
    RedemptionLog.find({ at: trusted(range), ...(storeId ? { storeId } : {}) })
      .lean()
      .exec(),
    Template.find({}, { name: 1 }).lean().exec(),
  ])
  const redeemedRows = await new CouponUseChain(models).standing(redemptions)
  const names = new Map(templates.map((t) => [t._id, t.name]))
  const byTemplate = new Map<string, { claimed: number; redeemed: number }>()
  for (const c of claimed)
    byTemplate.set(c.templateId, {
      claimed: (byTemplate.get(c.templateId)?.claimed ?? 0) + 1,
      redeemed: byTemplate.get(c.templateId)?.redeemed ?? 0,
    })
  for (const r of redeemedRows) {
    const t = r.couponId.split('#')[0]!
    byTemplate.set(t, { claimed: byTemplate.get(t)?.claimed ?? 0, redeemed: (byTemplate.get(t)?.redeemed ?? 0) + 1 })
  }
  return {
    metric: {
      key: 'coupon_redemption_rate',
      label: '券核销率',
      value: pct(redeemedRows.length, claimed.length),
      unit: '%',
      definition: '区间内核销次数（已撤销的不计）÷ 区间内领券数',
    },
    table: {
      key: 'coupons',
      label: '优惠券领取与核销',
      definition: '区间内每个券模板的领取数、核销数与核销率',
      columns: ['模板', '领取', '核销', '核销率%'],
      rows: [...byTemplate.entries()].map(([t, v]) => [
        names.get(t) ?? t,
        v.claimed,
        v.redeemed,
        pct(v.redeemed, v.claimed),
      ]),
    },
  }
}
