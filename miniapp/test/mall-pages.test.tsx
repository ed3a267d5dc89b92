import Taro from '@tarojs/taro'
import { render, screen, fireEvent, waitFor } from '@testing-library/react'
import MallPage from '../src/pages/mall'
import GiftPage from '../src/pages/gift'
import MyRedemptionsPage from '../src/pages/my-redemptions'
import { balanceChangeText, cashPriceText, stockText, visibleGifts, windowText } from '../src/lib/mall-format'

jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({
    exports: { useRouter: () => ({ params: { giftId: '100001', id: '1234567890123' } }) },
    taro: { switchTab: jest.fn(async () => {}) },
  }),
)

const request = Taro.request as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })

const gift = (giftId: string, over: Record<string, unknown> = {}) => ({
  giftId,
  name: `礼品${giftId}`,
  kind: 'voucher',
  category: '餐饮',
  description: '',
  images: [],
  pricePoints: 300,
  cashFen: 0,
  stockLeft: 5,
  perMemberLimit: 1,
  redeemedByMe: 0,
  availableFrom: null,
  availableTo: null,
  fulfilment: ['pickup'],
  pickupDays: 7,
  eligibleTiers: [],
  blocker: null,
  ...over,
})
const redemption = (status: string, statusText: string) => ({
  redemptionId: '1234567890123',
  giftId: '100001',
  giftName: '洗车券',
  thumbUrl: null,
  pricePoints: 300,
  fulfilment: 'pickup',
  status,
  statusText,
  redeemedAt: '2026-12-01T02:00:00Z',
  expiresAt: '2026-12-08T02:00:00Z',
  address: null,
  carrier: null,
  trackingNo: null,
  decidedAt: null,
  refundedPoints: null,
})

beforeEach(() => request.mockReset())

describe('mall format', () => {
  it('filters by category and 我能兑换, and words prices, stock and windows', () => {
    const items = [gift('1'), gift('2', { category: '生活', blocker: 'INSUFFICIENT_POINTS' })] as never[]
    expect(visibleGifts(items, '全部', false)).toHaveLength(2)
    expect(visibleGifts(items, '生活', false)).toHaveLength(1)
    expect(visibleGifts(items, '全部', true).map((g: { giftId: string }) => g.giftId)).toEqual(['1'])
    expect(stockText(0)).toBe('已兑完')
    expect(stockText(12)).toBe('仅剩 12 件')
    expect(stockText(null)).toBe('')
    expect(cashPriceText({ pricePoints: 500, cashFen: 990 })).toBe('参考价 500 积分 + ¥9.90（暂仅支持积分兑换）')
    expect(balanceChangeText(1200, 300)).toBe('积分 1,200 → 900')
    const now = new Date('2026-12-06T02:00:00Z')
    expect(windowText({ availableFrom: null, availableTo: '2026-12-06T12:00:00Z' }, now)).toBe(
      '限时兑换 · 12-06 20:00 截止',
    )
    expect(windowText({ availableFrom: '2026-12-07T02:00:00Z', availableTo: null }, now)).toBe('12-07 10:00 开始兑换')
  })
})

describe('mall pages', () => {
  it('shows the balance and narrows to 我能兑换', async () => {
    request.mockResolvedValue(
      ok({
        balance: 1200,
        tierLevel: 1,
        categories: ['餐饮', '生活'],
        items: [gift('100001'), gift('100002', { category: '生活', blocker: 'TIER_TOO_LOW' })],
      }),
    )
    const { container } = render(<MallPage />)
    await waitFor(() => expect(container.querySelector('.mall-balance')).toHaveTextContent('1,200'))
    expect(container.querySelectorAll('.gift-card')).toHaveLength(2)
    expect(screen.getByText('等级不足')).toBeTruthy()
    fireEvent.click(container.querySelector('.mall-redeemable-filter')!)
    expect(container.querySelectorAll('.gift-card')).toHaveLength(1)
  })

  it('asks with the balance before → after, then redeems with an Idempotency-Key', async () => {
    const showModal = jest.fn(async () => ({ confirm: true }))
    Object.assign(Taro, { showModal })
    const posts: { header: Record<string, string>; data: unknown }[] = []
    request.mockImplementation(
      async (o: { url: string; method: string; header: Record<string, string>; data: unknown }) => {
        if (o.url.endsWith('/api/me/addresses')) return ok({ items: [] })
        if (o.method === 'POST') {
          posts.push(o)
          return ok(redemption('pending_pickup', '待领取'))
        }
        return ok({ ...gift('100001'), balance: 1000 })
      },
    )
    const { container } = render(<GiftPage />)
    const button = await waitFor(() => {
      const b = container.querySelector('.gift-redeem-button')
      expect(b).toHaveTextContent('立即兑换')
      return b!
    })
    fireEvent.click(button)
    await waitFor(() => expect(posts).toHaveLength(1))
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '用 300 积分兑换？', content: '积分 1,000 → 700' }),
    )
    expect(posts[0]!.header['Idempotency-Key']).toMatch(/^c/)
    expect(posts[0]!.data).toEqual({ fulfilment: 'pickup' })
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/redemption/index?id=1234567890123' })
  })

  it('a sold-out gift says so on its button and sends nothing', async () => {
    request.mockImplementation(async (o: { url: string }) =>
      o.url.endsWith('/api/me/addresses')
        ? ok({ items: [] })
        : ok({ ...gift('100001', { blocker: 'SOLD_OUT', stockLeft: 0 }), balance: 900 }),
    )
    const { container } = render(<GiftPage />)
    await waitFor(() => expect(container.querySelector('.gift-redeem-button')).toHaveTextContent('已兑完'))
    fireEvent.click(container.querySelector('.gift-redeem-button')!)
    expect(request.mock.calls.filter(([o]) => o.method === 'POST')).toHaveLength(0)
  })

  it('lists my redemptions with their status in words', async () => {
    request.mockResolvedValue(
      ok({
        items: [
          redemption('picked_up', '已领取'),
          { ...redemption('shipped', '已发货（顺丰 SF1）'), redemptionId: '1234567890124' },
        ],
      }),
    )
    const { container } = render(<MyRedemptionsPage />)
    await waitFor(() => expect(container.querySelectorAll('.redemption-row')).toHaveLength(2))
    expect(screen.getByText('已领取')).toBeTruthy()
    expect(screen.getByText('已发货（顺丰 SF1）')).toBeTruthy()
  })
})
