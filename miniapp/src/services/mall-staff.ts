import { giftRedemption, scannedPickup, type GiftRedemption, type ScannedPickup } from '@mall/shared'
import { request } from './api'

/** The service desk's side of the points mall: a scanned pickup code, then handing the gift over. */
export function previewPickup(code: string): Promise<ScannedPickup> {
  return request('/api/staff/mall/pickups/preview', {
    method: 'POST',
    data: { code },
    schema: scannedPickup,
    session: 'staff',
  })
}

export function handOverGift(code: string): Promise<GiftRedemption> {
  return request('/api/staff/mall/pickups', {
    method: 'POST',
    data: { code },
    schema: giftRedemption,
    session: 'staff',
  })
}
