import { percent, shanghaiDay, type KpiReport } from '@mall/shared'
import type { PurchaseDoc } from '../points/purchase.model'
import type { StoreSalesDoc } from '../staff/store-sales.service'

type Metric = KpiReport['metrics'][number]

/**
 * Member vs non-member sales, from the stores' reported whole-day takings. Only store-days with a
 * report count, on both sides of each ratio, so a store that has not reported does not read as
 * "no non-member sales".
 */
export function memberShareMetrics(
  purchases: Pick<PurchaseDoc, 'storeId' | 'createdAt' | 'amountFen'>[],
  reports: StoreSalesDoc[],
): Metric[] {
  const reported = new Map(reports.map((r) => [`${r.storeId}:${r.day}`, r]))
  let memberFen = 0
  let memberReceipts = 0
  for (const p of purchases) {
    if (!reported.has(`${p.storeId}:${shanghaiDay(new Date(p.createdAt))}`)) continue
    memberFen += p.amountFen
    memberReceipts++
  }
  const totalFen = reports.reduce((s, r) => s + r.totalSalesFen, 0)
  const totalReceipts = reports.reduce((s, r) => s + r.receipts, 0)
  const otherReceipts = totalReceipts - memberReceipts
  return [
    {
      key: 'member_sales_share',
      label: '会员销售占比',
      value: percent(memberFen, totalFen),
      unit: '%',
      definition: `会员小票金额 ÷ 门店申报的全天销售额（含非会员）；只统计已申报的门店日（区间内 ${reports.length} 个）`,
    },
    {
      key: 'nonmember_avg_ticket',
      label: '非会员客单价',
      value: otherReceipts > 0 ? Math.round((totalFen - memberFen) / otherReceipts) : 0,
      unit: 'fen',
      definition:
        '(申报销售额 − 会员小票金额) ÷ (申报小票数 − 会员小票数)，只统计已申报的门店日；与“客单价”对比会员与非会员',
    },
  ]
}
