import type { Connection } from 'mongoose'
import { addDays, PURCHASE_CHANNELS_ZH, startOfShanghaiDay, type ChannelMix, type KpiQuery } from '@mall/shared'
import { createdIn, type JoinedRead } from './joined-read'
import { postedPurchases, type DashboardPurchase } from './dashboard-reads'

/**
 * The dashboard's channel mix: posted purchases in a Shanghai-day range by the channel that reported
 * them (门店扫码 / 微信支付 / 小票拍照 / 服务台补登), with their sales and points, summed here from the
 * posted purchases the KPI reports asking at the same time read too (dashboard-reads.ts).
 */
export class ChannelMixService {
  private readonly purchases: JoinedRead<DashboardPurchase[]>

  constructor(conn: Connection) {
    this.purchases = postedPurchases(conn)
  }

  async report(q: KpiQuery): Promise<ChannelMix> {
    const range = { $gte: startOfShanghaiDay(q.from), $lt: startOfShanghaiDay(addDays(q.to, 1)) }
    const rows = createdIn(await this.purchases.read(), range).filter((p) => !q.storeId || p.storeId === q.storeId)
    const by = new Map<string, { purchases: number; salesFen: number; points: number }>(
      Object.keys(PURCHASE_CHANNELS_ZH).map((c) => [c, { purchases: 0, salesFen: 0, points: 0 }]),
    )
    for (const p of rows) {
      const sum = by.get(p.channel) ?? { purchases: 0, salesFen: 0, points: 0 }
      sum.purchases++
      sum.salesFen += p.amountFen
      sum.points += p.points
      by.set(p.channel, sum)
    }
    const labels: Record<string, string> = PURCHASE_CHANNELS_ZH
    const out = [...by].map(([channel, s]) => ({ channel, label: labels[channel] ?? '其他渠道', ...s }))
    return {
      range: { from: q.from, to: q.to, storeId: q.storeId ?? null },
      rows: out,
      totals: {
        purchases: out.reduce((n, r) => n + r.purchases, 0),
        salesFen: out.reduce((n, r) => n + r.salesFen, 0),
        points: out.reduce((n, r) => n + r.points, 0),
      },
    }
  }
}
