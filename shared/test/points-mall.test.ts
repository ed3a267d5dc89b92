import { giftBlocker, isCancellable, pickupExpiresAt, redemptionStatusText } from '../src/rules/points-mall'

const open = { status: 'active' as const, availableFrom: null, availableTo: null, eligibleTiers: [] }
const now = new Date('2026-12-06T02:00:00Z')

describe('points mall rules', () => {
  it('says why a gift cannot be redeemed now: paused, before or after its window, tier', () => {
    expect(giftBlocker(open, 1, now)).toBeNull()
    expect(giftBlocker({ ...open, status: 'paused' }, 1, now)).toBe('PAUSED')
    expect(giftBlocker({ ...open, availableFrom: '2026-12-06T02:00:01Z' }, 1, now)).toBe('NOT_STARTED')
    expect(giftBlocker({ ...open, availableTo: '2026-12-06T01:59:59Z' }, 1, now)).toBe('ENDED')
    expect(
      giftBlocker({ ...open, availableFrom: '2026-12-06T02:00:00Z', availableTo: '2026-12-06T02:00:00Z' }, 1, now),
    ).toBeNull()
    expect(giftBlocker({ ...open, eligibleTiers: [2, 3] }, 1, now)).toBe('TIER_TOO_LOW')
    expect(giftBlocker({ ...open, eligibleTiers: [2, 3] }, 3, now)).toBeNull()
  })

  it('words every status; 已发货 carries its tracking number', () => {
    expect(redemptionStatusText('pending_pickup')).toBe('待领取')
    expect(redemptionStatusText('pending_shipment')).toBe('待发货')
    expect(redemptionStatusText('shipped', { carrier: '顺丰', trackingNo: 'SF1' })).toBe('已发货（顺丰 SF1）')
    expect(redemptionStatusText('shipped', { carrier: null, trackingNo: 'YT9' })).toBe('已发货（YT9）')
    expect(redemptionStatusText('picked_up')).toBe('已领取')
    expect(redemptionStatusText('cancelled')).toBe('已取消')
    expect(redemptionStatusText('expired')).toBe('已过期')
    expect(['pending_pickup', 'pending_shipment'].every((s) => isCancellable(s as never))).toBe(true)
    expect(['shipped', 'picked_up', 'cancelled', 'expired'].some((s) => isCancellable(s as never))).toBe(false)
  })

  it('lapses a pickup whole days after the redemption', () => {
    expect(pickupExpiresAt(now, 14).toISOString()).toBe('2026-12-20T02:00:00.000Z')
  })
})
