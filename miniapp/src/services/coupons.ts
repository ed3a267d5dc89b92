import { claimableCoupon, memberCoupon, type ClaimableCoupon, type MemberCoupon } from '@mall/shared'
import type { CouponStatus } from '../lib/coupon-format'
import { ApiError, api, itemsOf, request } from './api'

/**
 * Coupon endpoints, validated against the @mall/shared contracts like the points services, so a
 * server/client mismatch surfaces as CLIENT.BAD_RESPONSE ("服务返回异常") instead of a crash.
 */

export const COUPONS_PAGE = '/pages/coupons/index'
export const MY_COUPONS_PAGE = '/pages/my-coupons/index'
export const COUPON_DETAIL_PAGE = '/pages/coupon-detail/index'

/** couponIds look like "123456#7": '#' must be escaped in paths and page query strings. */
export function couponDetailUrl(couponId: string): string {
  return `${COUPON_DETAIL_PAGE}?couponId=${encodeURIComponent(couponId)}`
}

/**
 * The couponId page param back as an id. H5's router decodes query values but weapp's onLoad
 * hands them over still encoded ("123456%237"), so decode once when an escape is present
 * (real ids never contain '%').
 */
export function couponIdFromParam(raw: string | undefined): string {
  if (!raw) return ''
  if (!/%[0-9A-Fa-f]{2}/.test(raw)) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The rotating code endpoint for one coupon (same response shape as the member code). */
export function couponCodePath(couponId: string): string {
  return `/api/me/coupons/${encodeURIComponent(couponId)}/code`
}

const claimableList = itemsOf(claimableCoupon)
const memberCouponList = itemsOf(memberCoupon)

export async function fetchClaimableCoupons(): Promise<ClaimableCoupon[]> {
  return (await api.get('/api/coupons', claimableList)).items
}

export async function fetchMyCoupons(status: CouponStatus): Promise<MemberCoupon[]> {
  return (await api.get(`/api/me/coupons?status=${status}`, memberCouponList)).items
}

/** Claim one coupon; `idempotencyKey` makes a retried tap replay the first result. */
export function claimCoupon(templateId: string, idempotencyKey: string): Promise<MemberCoupon> {
  return request(`/api/coupons/${encodeURIComponent(templateId)}/claim`, {
    method: 'POST',
    schema: memberCoupon,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

/**
 * One of my coupons by id. There is no single-coupon endpoint: the detail page shows unused
 * coupons (the only ones with a code), so it looks the id up in that list.
 */
export async function fetchMyCoupon(couponId: string): Promise<MemberCoupon> {
  const found = (await fetchMyCoupons('unused')).find((c) => c.couponId === couponId)
  if (!found) throw new ApiError('COUPON.NOT_FOUND', 404)
  return found
}
