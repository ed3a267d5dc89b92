import { claimableCoupon } from '@mall/shared'
import {
  claimButtonState,
  claimedText,
  couponDay,
  isExpiringSoon,
  priceText,
  stockText,
  storesText,
  validityRangeText,
  validUntilText,
} from '../src/lib/coupon-format'
import { createClaimKeys, isUncertainOutcome, newIdempotencyKey } from '../src/lib/claim-keys'
import { itemsOf } from '../src/services/api'
import { couponCodePath, couponDetailUrl, couponIdFromParam } from '../src/services/coupons'

jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock())

describe('claim button', () => {
  it.each([
    [null, '立即领取', false],
    ['SOLD_OUT', '已抢光', true],
    ['LIMIT_REACHED', '已领取', true],
    ['TIER_TOO_LOW', '等级不足', true],
    ['NOT_STARTED', '未开始', true],
    ['ENDED', '已结束', true],
    ['PAUSED', '暂停发放', true],
    ['SOMETHING_NEW', '暂不可领', true],
  ])('blocker %s -> %s', (blocker, label, disabled) => {
    expect(claimButtonState({ blocker })).toEqual({ label, disabled })
  })
})

describe('coupon copy', () => {
  it('stock, price and claimed counts', () => {
    expect(stockText(null)).toBe('不限量')
    expect(stockText(3)).toBe('仅剩 3 张')
    expect(stockText(12000)).toBe('仅剩 12,000 张')
    expect(stockText(0)).toBe('已抢光')
    expect(priceText(0)).toBe('免费')
    expect(priceText(1500)).toBe('1,500 积分')
    expect(claimedText({ claimedByMe: 1, perMemberLimit: 3 })).toBe('已领 1/3 张')
    expect(claimedText({ claimedByMe: 1, perMemberLimit: 1 })).toBe('')
    expect(claimedText({ claimedByMe: 0, perMemberLimit: 3 })).toBe('')
  })

  it('stores and validity on the Shanghai calendar', () => {
    expect(storesText([])).toBe('全场通用')
    expect(storesText(['s01', 's02'])).toBe('s01、s02')
    // 2025-02-04T16:30Z is already Feb 5 in Shanghai.
    expect(couponDay('2025-02-04T16:30:00Z')).toBe('2025年2月5日')
    expect(couponDay('garbage')).toBe('garbage')
    expect(validUntilText('2025-02-04T15:59:59.999Z')).toBe('有效期至 2025年2月4日')
    expect(validityRangeText('2025-01-05T06:03:00Z', '2025-02-04T15:59:59.999Z')).toBe(
      '2025-01-05 14:03 至 2025-02-04 23:59',
    )
  })

  it('flags unused coupons ending within three Shanghai days', () => {
    const now = new Date('2025-01-10T02:00:00Z') // Jan 10, 10:00 Shanghai
    const unused = (validTo: string) => ({ status: 'unused' as const, validTo })
    expect(isExpiringSoon(unused('2025-01-10T15:59:59Z'), now)).toBe(true) // today
    expect(isExpiringSoon(unused('2025-01-13T15:59:59Z'), now)).toBe(true) // 3 days
    expect(isExpiringSoon(unused('2025-01-14T15:59:59Z'), now)).toBe(false) // 4 days
    expect(isExpiringSoon(unused('2025-01-09T15:59:59Z'), now)).toBe(false) // already over
    expect(isExpiringSoon({ status: 'used', validTo: '2025-01-11T00:00:00Z' }, now)).toBe(false)
    expect(isExpiringSoon(unused('not a date'), now)).toBe(false)
  })
})

describe('claim idempotency keys', () => {
  it('makes keys the server accepts', () => {
    const key = newIdempotencyKey(1_736_000_000_000, () => 0.999)
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey())
  })

  it('reuses a key only after an uncertain outcome', () => {
    let n = 0
    const keys = createClaimKeys(() => `key-${++n}-xxxx`)
    const first = keys.keyFor('100001')
    keys.settle('100001', { status: 0, code: 'CLIENT.NETWORK' })
    expect(keys.keyFor('100001')).toBe(first) // retried tap replays the first request
    expect(keys.keyFor('100002')).not.toBe(first) // other coupons are independent
    keys.settle('100001', { status: 502, code: 'INTERNAL' })
    expect(keys.keyFor('100001')).toBe(first)
    keys.settle('100001', null)
    expect(keys.keyFor('100001')).not.toBe(first) // success: the next tap is a new claim
    const third = keys.keyFor('100001')
    keys.settle('100001', { status: 409, code: 'POINTS.INSUFFICIENT' })
    expect(keys.keyFor('100001')).not.toBe(third) // business error: don't replay it later
  })

  it('classifies outcomes', () => {
    expect(isUncertainOutcome({ status: 0, code: 'CLIENT.NETWORK' })).toBe(true)
    expect(isUncertainOutcome({ status: 429, code: 'REQUEST.RATE_LIMITED' })).toBe(true)
    expect(isUncertainOutcome({ status: 409, code: 'IDEMPOTENCY.IN_FLIGHT' })).toBe(true)
    expect(isUncertainOutcome({ status: 409, code: 'COUPON.SOLD_OUT' })).toBe(false)
  })
})

describe('coupon routing and envelopes', () => {
  it('escapes the # in coupon ids both ways', () => {
    expect(couponDetailUrl('123456#7')).toBe('/pages/coupon-detail/index?couponId=123456%237')
    expect(couponCodePath('123456#7')).toBe('/api/me/coupons/123456%237/code')
    expect(couponIdFromParam('123456%237')).toBe('123456#7') // weapp: still encoded
    expect(couponIdFromParam('123456#7')).toBe('123456#7') // H5: already decoded
    expect(couponIdFromParam(undefined)).toBe('')
    expect(couponIdFromParam('%E0%A4%A')).toBe('%E0%A4%A')
  })

  it('itemsOf validates every item', () => {
    const schema = itemsOf(claimableCoupon)
    expect(() => schema.parse({})).toThrow()
    expect(() => schema.parse({ items: [{ templateId: 'x' }] })).toThrow()
    expect(schema.parse({ items: [] })).toEqual({ items: [] })
  })
})
