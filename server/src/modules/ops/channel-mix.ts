import { trusted, type Connection, type Model } from 'mongoose'
import { addDays, PURCHASE_CHANNELS_ZH, startOfShanghaiDay, type ChannelMix, type KpiQuery } from '@mall/shared'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'

/**
 * The dashboard's channel mix: posted purchases in a Shanghai-day range by the channel that reported
 * them (门店扫码 / 微信支付 / 小票拍照 / 服务台补登), with their sales and points. One find with a
 * projection, summed here (FerretDB v1's aggregation is not relied on).
 */
export class ChannelMixService {
  private readonly Purchase: Model<PurchaseDoc>

  constructor(conn: Connection) {
    this.Purchase = purchaseModel(conn)
  }

  async report(q: KpiQuery): Promise<ChannelMix> {
    const range = { $gte: startOfShanghaiDay(q.from), $lt: startOfShanghaiDay(addDays(q.to, 1)) }
    const rows = await this.Purchase.find(
      { createdAt: trusted(range), status: 'posted', ...(q.storeId ? { storeId: q.storeId } : {}) },
      { channel: 1, amountFen: 1, points: 1 },
    )
      .lean<Pick<PurchaseDoc, 'channel' | 'amountFen' | 'points'>[]>()
      .exec()
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
