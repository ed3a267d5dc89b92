import '@testing-library/jest-dom'
import Taro from '@tarojs/taro'
import { render, screen, fireEvent, waitFor } from '@testing-library/react'
import { DEFAULT_TIERS } from '@mall/shared'
import WalletPage from '../src/pages/wallet'
import TierPage from '../src/pages/tier'

// Page lifecycle hooks run like a mount effect; the API goes through the real client to a mocked
// Taro.request, so schema validation and paging are exercised end to end.
jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({ exports: { useReachBottom: jest.fn() } }),
)

const request = Taro.request as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
const entry = (seq: number, delta: number) => ({
  seq,
  type: delta > 0 ? 'earn' : 'reversal',
  title: delta > 0 ? '消费积分' : '积分扣回',
  delta,
  balanceAfter: 1000 + seq,
  createdAt: '2025-01-05T06:03:00Z',
  storeName: delta > 0 ? '星巴克' : null,
  receiptNo: delta > 0 ? `R${seq}` : null,
  amountFen: delta > 0 ? 12850 : null,
})
const summary = {
  balance: 1234,
  debt: 0,
  lifetimeEarned: 2000,
  lifetimeSpent: 700,
  lifetimeExpired: 66,
  lots: [],
  expiring: [{ expiresOn: '2025-03-31', points: 300 }],
  serverTime: '2025-01-15T00:00:00Z',
}

beforeEach(() => request.mockReset())

describe('WalletPage', () => {
  it('shows balance, expiry, history pages and the end marker', async () => {
    request.mockImplementation(async ({ url }: { url: string }) => {
      if (url.endsWith('/api/me/wallet')) return ok(summary)
      if (url.includes('beforeSeq=21')) return ok({ items: [entry(20, -50)], nextBeforeSeq: null })
      return ok({ items: [entry(22, 128), entry(21, 128)], nextBeforeSeq: 21 })
    })
    const { container } = render(<WalletPage />)
    await waitFor(() => expect(container.querySelector('.wallet-balance')).toHaveTextContent('1,234'))
    expect(container.querySelector('.wallet-expiring')).toHaveTextContent('300 积分将于 2025年3月31日 过期')
    await waitFor(() => expect(container.querySelectorAll('.wallet-entry')).toHaveLength(2))
    expect(container.querySelector('.wallet-entry')).toHaveTextContent('星巴克 · 小票 R22')
    expect(container.querySelector('.wallet-entry')).toHaveTextContent('¥128.50')
    expect(container.querySelector('.wallet-entry')).toHaveTextContent('2025-01-05 14:03')

    fireEvent.click(container.querySelector('.wallet-load-more')!)
    await waitFor(() => expect(container.querySelectorAll('.wallet-entry')).toHaveLength(3))
    expect(container.querySelector('.wallet-entry__delta--loss')).toHaveTextContent('-50')
    expect(screen.getByText('没有更多了')).toBeInTheDocument()
    expect(container.querySelector('.wallet-load-more')).toBeNull()
  })

  it('warns about debt, shows the empty states, and retries a failed history load', async () => {
    let historyCalls = 0
    request.mockImplementation(async ({ url }: { url: string }) => {
      if (url.endsWith('/api/me/wallet')) return ok({ ...summary, balance: -200, debt: 200, expiring: [] })
      historyCalls += 1
      if (historyCalls === 1) throw new Error('offline')
      return ok({ items: [], nextBeforeSeq: null })
    })
    render(<WalletPage />)
    expect(await screen.findByText('有 200 积分待补扣，补足前暂不能使用积分')).toBeInTheDocument()
    expect(screen.getByText('近三个月没有即将过期的积分')).toBeInTheDocument()
    fireEvent.click(await screen.findByText('重试'))
    expect(await screen.findByText('暂无积分记录')).toBeInTheDocument()
  })
})

describe('TierPage', () => {
  it('computes progress from the raw spend and lists every tier', async () => {
    request.mockResolvedValue(
      ok({
        tierLevel: 1,
        spend: [{ month: '2025-01', amount: 150000 }],
        growthBonus: [],
        tiers: DEFAULT_TIERS,
        // "now" comes from serverTime (plus the few ms the test takes), not from the test machine's clock.
        serverTime: '2025-01-15T00:00:00Z',
      }),
    )
    const { container } = render(<TierPage />)
    await waitFor(() => expect(container.querySelector('.tier-current')).toHaveTextContent('普通会员'))
    expect(container.querySelectorAll('.tier-benefits-row')).toHaveLength(4)
    expect(container.querySelector('.tier-message')?.textContent).toMatch(/即可升级为银卡会员/)
    expect(container.querySelector('.tier-progress')).not.toBeNull()
    expect(container.querySelector('.tier-benefits-row--current')).toHaveTextContent('1×')
  })

  it('shows a zh-CN error with retry on a malformed response', async () => {
    request.mockResolvedValueOnce(
      ok({ tierLevel: 1, spend: [], growthBonus: [], tiers: [{ level: 1 }], serverTime: 'x' }),
    )
    render(<TierPage />)
    expect(await screen.findByText('服务返回异常，请稍后再试')).toBeInTheDocument()
    expect(screen.getByText('重试')).toBeInTheDocument()
  })
})
