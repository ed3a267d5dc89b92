import Taro from '@tarojs/taro'
import { render, screen, fireEvent, waitFor } from '@testing-library/react'
import CouponsPage from '../src/pages/coupons'
import MyCouponsPage from '../src/pages/my-coupons'
import CouponDetailPage from '../src/pages/coupon-detail'

// Lifecycle hooks run like mount effects; requests go through the real client to a mocked
// Taro.request, so schema validation and headers are exercised end to end.
jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({
    exports: { useRouter: () => ({ params: { couponId: '123456%237' } }) },
  }),
)

const request = Taro.request as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
const fail = (statusCode: number, code: string) => ({
  statusCode,
  data: { error: { code, message: 'en', requestId: 'r' } },
})

const claimable = (templateId: string, over: Record<string, unknown> = {}) => ({
  templateId,
  name: `券${templateId}`,
  type: 'cash_off',
  headline: '满200减30',
  stockLeft: 5,
  pricePoints: 0,
  perMemberLimit: 1,
  claimedByMe: 0,
  claimEnd: '2099-01-01T00:00:00Z',
  blocker: null,
  validityText: '领取后30天内有效',
  storeIds: [],
  ...over,
})
const walletSummaryOf = (balance: number) => ({
  balance,
  debt: 0,
  lifetimeEarned: balance,
  lifetimeSpent: 0,
  lifetimeExpired: 0,
  lots: [],
  expiring: [],
  serverTime: '2025-01-05T06:03:00Z',
})
const mine = (couponId: string, over: Record<string, unknown> = {}) => ({
  couponId,
  templateId: '123456',
  name: '周末满减',
  type: 'cash_off',
  headline: '满200减30',
  status: 'unused',
  validFrom: '2025-01-05T06:03:00Z',
  validTo: '2099-12-31T15:59:59.999Z',
  claimedAt: '2025-01-05T06:03:00Z',
  redeemedAt: null,
  redeemedStoreId: null,
  storeIds: ['s01', 's02'],
  pricePoints: 0,
  ...over,
})

beforeEach(() => {
  request.mockReset()
  showToast.mockClear()
})

describe('CouponsPage', () => {
  it('renders cards with blocker labels, claims with an Idempotency-Key, toasts and reloads', async () => {
    let claimed = false
    request.mockImplementation(async ({ method }: { method: string }) => {
      if (method === 'POST') {
        claimed = true
        return ok(mine('100001#1', { templateId: '100001' }))
      }
      return ok({
        items: [
          claimable('100001', claimed ? { blocker: 'LIMIT_REACHED', claimedByMe: 1, stockLeft: 4 } : {}),
          claimable('100002', { blocker: 'SOLD_OUT', stockLeft: 0, pricePoints: 500 }),
          claimable('100003', { blocker: 'TIER_TOO_LOW', stockLeft: null }),
        ],
      })
    })
    const { container } = render(<CouponsPage />)
    await waitFor(() => expect(container.querySelectorAll('.coupon-card')).toHaveLength(3))
    const buttons = () => Array.from(container.querySelectorAll('.coupon-claim-button')).map((b) => b.textContent)
    expect(buttons()).toEqual(['立即领取', '已抢光', '等级不足'])
    expect(container.querySelectorAll('.coupon-card')[0]).toHaveTextContent('仅剩 5 张')
    expect(container.querySelectorAll('.coupon-card')[0]).toHaveTextContent('免费')
    expect(container.querySelectorAll('.coupon-card')[1]).toHaveTextContent('500 积分')
    expect(container.querySelectorAll('.coupon-card')[2]).toHaveTextContent('不限量')

    fireEvent.click(container.querySelectorAll('.coupon-claim-button')[1]!) // sold out: no request
    fireEvent.click(container.querySelectorAll('.coupon-claim-button')[0]!)
    await waitFor(() => expect(container.querySelector('.coupon-outcome')).toHaveTextContent('领取成功'))
    const posts = request.mock.calls.filter(([o]) => o.method === 'POST')
    expect(posts).toHaveLength(1)
    expect(posts[0][0].url).toBe('http://api.test/api/coupons/100001/claim')
    expect(posts[0][0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    expect(showToast).toHaveBeenCalledWith({ title: '领取成功', icon: 'success' })
    await waitFor(() => expect(buttons()[0]).toBe('已领取'))
  })

  it('asks before spending points, with the balance before and after; 再想想 sends nothing', async () => {
    const showModal = jest.fn(async () => ({ confirm: false }))
    Object.assign(Taro, { showModal })
    request.mockImplementation(async ({ url, method }: { url: string; method: string }) => {
      if (url.endsWith('/api/me/wallet')) return ok(walletSummaryOf(1200))
      if (method !== 'POST') return ok({ items: [claimable('100001', { pricePoints: 900, name: '停车券' })] })
      return ok(mine('100001#1'))
    })
    const { container } = render(<CouponsPage />)
    const button = await waitFor(() => {
      const b = container.querySelector('.coupon-claim-button')
      expect(b).toHaveTextContent('立即领取')
      return b!
    })
    fireEvent.click(button)
    await waitFor(() => expect(showModal).toHaveBeenCalled())
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '用 900 积分兑换？',
        content: '积分 1,200 → 300',
      }),
    )
    await waitFor(() => expect(container.querySelector('.coupon-claim-button')).toHaveTextContent('立即领取'))
    expect(request.mock.calls.filter(([o]) => o.method === 'POST')).toHaveLength(0)
  })

  it('shows the zh-CN claim error and keeps the key for a retry after a network failure', async () => {
    Object.assign(Taro, { showModal: jest.fn(async () => ({ confirm: true })) })
    const keys: string[] = []
    let posts = 0
    request.mockImplementation(async ({ method, header }: { method: string; header: Record<string, string> }) => {
      if (method !== 'POST') return ok({ items: [claimable('100001', { pricePoints: 900 })] })
      keys.push(header['Idempotency-Key']!)
      posts += 1
      if (posts === 1) throw new Error('offline')
      return fail(409, 'POINTS.INSUFFICIENT')
    })
    const { container } = render(<CouponsPage />)
    const button = await waitFor(() => {
      const b = container.querySelector('.coupon-claim-button')
      expect(b).toHaveTextContent('立即领取')
      return b!
    })
    fireEvent.click(button)
    await waitFor(() => expect(container.querySelector('.coupon-outcome')).toHaveTextContent('网络连接失败'))
    await waitFor(() => expect(container.querySelector('.coupon-claim-button')).toHaveTextContent('立即领取'))
    fireEvent.click(container.querySelector('.coupon-claim-button')!)
    await waitFor(() => expect(container.querySelector('.coupon-outcome')).toHaveTextContent('积分不足'))
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
    expect(showToast).toHaveBeenLastCalledWith({ title: '积分不足', icon: 'none' })
  })

  it('has empty and error+retry states', async () => {
    request.mockResolvedValueOnce(fail(500, 'INTERNAL')).mockResolvedValueOnce(ok({ items: [] }))
    render(<CouponsPage />)
    fireEvent.click(await screen.findByText('重试'))
    expect(await screen.findByText('暂无可领取的优惠券')).toBeInTheDocument()
  })
})

describe('MyCouponsPage', () => {
  it('lists unused coupons with the expiring badge, switches tabs and opens the detail', async () => {
    const soon = new Date(Date.now() + 2 * 86400_000).toISOString()
    request.mockImplementation(async ({ url }: { url: string }) => {
      if (url.endsWith('status=unused')) return ok({ items: [mine('123456#7', { validTo: soon }), mine('123456#8')] })
      if (url.endsWith('status=used'))
        return ok({ items: [mine('123456#9', { status: 'used', redeemedAt: '2025-01-06T02:00:00Z' })] })
      return ok({ items: [] })
    })
    const { container } = render(<MyCouponsPage />)
    await waitFor(() => expect(container.querySelectorAll('.my-coupon')).toHaveLength(2))
    expect(container.querySelectorAll('.expiring-badge')).toHaveLength(1)
    expect(container.querySelectorAll('.my-coupon')[0]).toContainElement(
      container.querySelector('.expiring-badge') as HTMLElement,
    )
    expect(container.querySelector('.my-coupon')).toHaveTextContent('适用门店：s01、s02')

    fireEvent.click(container.querySelector('.my-coupon')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon-detail/index?couponId=123456%237' })

    const tabs = container.querySelectorAll('.my-coupons-tab')
    expect(Array.from(tabs).map((t) => t.textContent)).toEqual(['未使用', '已使用', '已过期'])
    fireEvent.click(tabs[1]!)
    await waitFor(() => expect(container.querySelector('.my-coupon')).toHaveTextContent('已使用 2025-01-06 10:00'))
    expect(container.querySelector('.expiring-badge')).toBeNull()
    fireEvent.click(tabs[2]!)
    expect(await screen.findByText('暂无已过期的券')).toBeInTheDocument()
  })
})

describe('CouponDetailPage', () => {
  it('shows the coupon and its rotating code from the coupon endpoint', async () => {
    request.mockImplementation(async ({ url }: { url: string }) => {
      if (url.includes('/code'))
        return ok({
          code: '123456789012345678901234',
          stepSeconds: 30,
          refreshAt: new Date(Date.now() + 30_000).toISOString(),
          serverTime: new Date().toISOString(),
        })
      return ok({ items: [mine('123456#7', { storeIds: [] })] })
    })
    const { container } = render(<CouponDetailPage />)
    await waitFor(() =>
      expect(container.querySelector('.coupon-code-digits')).toHaveTextContent('123456789012345678901234'),
    )
    expect(container.querySelector('.coupon-qr')).toHaveAttribute('data-code', '123456789012345678901234')
    expect(request.mock.calls.some(([o]) => o.url === 'http://api.test/api/me/coupons/123456%237/code')).toBe(true)
    await waitFor(() => expect(container.querySelector('.coupon-detail-headline')).toHaveTextContent('满200减30'))
    expect(container.querySelector('.coupon-stores')).toHaveTextContent('全场通用')
    expect(screen.getByText('请向店员出示此码核销')).toBeInTheDocument()
  })

  it('explains a coupon that is no longer unused', async () => {
    request.mockImplementation(async ({ url }: { url: string }) =>
      url.includes('/code') ? fail(409, 'COUPON.ALREADY_REDEEMED') : ok({ items: [] }),
    )
    render(<CouponDetailPage />)
    expect(await screen.findByText('该券已使用或已过期')).toBeInTheDocument()
  })

  it('confirms 已使用 (no error to retry) when the coupon is redeemed while its code is on screen', async () => {
    request.mockImplementation(async ({ url }: { url: string }) =>
      url.includes('/code')
        ? fail(409, 'COUPON.ALREADY_REDEEMED')
        : ok({ items: [mine('123456#7', { storeIds: [] })] }),
    )
    const { container } = render(<CouponDetailPage />)
    expect(await screen.findByText('✓ 已使用')).toBeInTheDocument()
    expect(screen.getByText('店员已核销此券，感谢光临')).toBeInTheDocument()
    expect(container.querySelector('.coupon-code-panel')).toBeNull()
    expect(screen.queryByText('重试')).toBeNull()
  })
})
