import { redemptionStatusText, type GiftRedemption, type RedemptionStatus } from '@mall/shared'
import type { GiftDecisionDoc, GiftRedemptionDoc } from './points-mall.model'

/** The status a redemption's decision row gives it (the row decides; the `status` field is its cache). */
export function statusOf(r: Pick<GiftRedemptionDoc, 'fulfilment'>, d: GiftDecisionDoc | null): RedemptionStatus {
  if (d) return d.outcome
  return r.fulfilment === 'pickup' ? 'pending_pickup' : 'pending_shipment'
}

export function toRedemptionView(r: GiftRedemptionDoc, d: GiftDecisionDoc | null): GiftRedemption {
  const status = statusOf(r, d)
  const shipping = { carrier: d?.carrier ?? null, trackingNo: d?.trackingNo ?? null }
  return {
    redemptionId: r._id,
    giftId: r.giftId,
    giftName: r.giftName,
    thumbUrl: r.thumbImageId ? `/api/mall/images/${r.thumbImageId}/thumb` : null,
    pricePoints: r.pricePoints,
    fulfilment: r.fulfilment,
    status,
    statusText: redemptionStatusText(status, shipping),
    redeemedAt: new Date(r.redeemedAt).toISOString(),
    expiresAt: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
    address: r.address,
    ...shipping,
    decidedAt: d ? new Date(d.at).toISOString() : null,
    refundedPoints: d && d.refundPoints > 0 ? d.refundPoints : null,
  }
}
