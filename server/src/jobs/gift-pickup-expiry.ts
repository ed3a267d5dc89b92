import type { PointsMallParts } from '../modules/points-mall/points-mall.module'

/**
 * Unclaimed pickups past their last day lapse: points back when the gift says so (else forfeited),
 * the stock back. Each lapse is the insert of the redemption's decision row, so reruns and several
 * processes running it at once lapse each redemption once; a pickup or cancel that won first stays.
 */
export function expireGiftPickups(mall: PointsMallParts, now: Date): Promise<{ expired: number }> {
  return mall.giftFulfilment.expireDue(now)
}

/** Decisions a crash left half-done (points or stock not given back) and redemptions left unpaid. */
export async function sweepGiftRedemptions(
  mall: PointsMallParts,
  now: Date,
): Promise<{ settled: number; activated: number; released: number }> {
  const settled = await mall.giftFulfilment.sweep(now)
  return { settled, ...(await mall.giftRedemptions.sweep(now)) }
}
