import * as z from 'zod'
import {
  addressView,
  giftRedemption,
  mallCatalogue,
  mallGift,
  type AddressInput,
  type AddressView,
  type GiftRedemption,
  type MallCatalogue,
  type MallGift,
  type RedeemGiftRequest,
} from '@mall/shared'
import { api, itemsOf, request } from './api'

/** 积分商城: the catalogue, a gift, redeeming it, my redemptions and addresses (docs/points-mall.md). */
export const MALL_PAGE = '/pages/mall/index'
export const GIFT_PAGE = '/pages/gift/index'
export const MY_REDEMPTIONS_PAGE = '/pages/my-redemptions/index'
export const REDEMPTION_PAGE = '/pages/redemption/index'

export const giftUrl = (giftId: string) => `${GIFT_PAGE}?giftId=${giftId}`
export const redemptionUrl = (id: string) => `${REDEMPTION_PAGE}?id=${id}`
/** Gift pictures are public catalogue content: an <Image> loads them straight from the API host. */
export const imageSrc = (path: string) => API_BASE + path
export const pickupCodePath = (id: string) => `/api/me/mall/redemptions/${id}/pickup-code`

const giftDetail = mallGift.extend({ balance: z.number().int() })
export type GiftDetail = MallGift & { balance: number }

export function fetchCatalogue(): Promise<MallCatalogue> {
  return api.get('/api/mall/gifts', mallCatalogue)
}

export function fetchGift(giftId: string): Promise<GiftDetail> {
  return api.get(`/api/mall/gifts/${giftId}`, giftDetail)
}

/** `idempotencyKey` makes a retried tap replay the first result instead of redeeming twice. */
export function redeemGift(giftId: string, body: RedeemGiftRequest, idempotencyKey: string): Promise<GiftRedemption> {
  return request(`/api/mall/gifts/${giftId}/redeem`, {
    method: 'POST',
    data: body,
    schema: giftRedemption,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

export async function fetchRedemptions(): Promise<GiftRedemption[]> {
  return (await api.get('/api/me/mall/redemptions', itemsOf(giftRedemption))).items
}

export function fetchRedemption(id: string): Promise<GiftRedemption> {
  return api.get(`/api/me/mall/redemptions/${id}`, giftRedemption)
}

export function cancelRedemption(id: string): Promise<GiftRedemption> {
  return api.post(`/api/me/mall/redemptions/${id}/cancel`, {}, giftRedemption)
}

export async function fetchAddresses(): Promise<AddressView[]> {
  return (await api.get('/api/me/addresses', itemsOf(addressView))).items
}

export function addAddress(input: AddressInput): Promise<AddressView> {
  return api.post('/api/me/addresses', input, addressView)
}
