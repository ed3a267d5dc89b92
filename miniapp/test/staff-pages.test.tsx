import '@testing-library/jest-dom'
import Taro from '@tarojs/taro'
import { render, fireEvent, waitFor } from '@testing-library/react'
import AwardPage from '../src/staff/pages/award'
import TodayPage from '../src/staff/pages/today'
import RedeemPage from '../src/staff/pages/redeem'
import { err, member, ok, purchase, freshStaffPhone, type Req } from './support/staff-fixtures'

// Real API client over a mocked Taro.request, real storage semantics over a Map; page lifecycle
// hooks run like mount effects.
const store = new Map<string, unknown>()
jest.mock('@tarojs/taro', () => require('./support/taro-mock').createStaffTaroMock(() => store))

const request = Taro.request as unknown as jest.Mock

beforeEach(() => freshStaffPhone(store))

describe('AwardPage', () => {
  it('resolves the member, rejects a bad amount locally, then awards in integer fen', async () => {
    request.mockImplementation(async (o: Req) => {
      if (o.url.endsWith('/member-code/resolve')) return ok({ member, scanToken: 'scan-token-0123456789abcdef' })
      if (o.url.endsWith('/api/staff/purchases'))
        return ok(purchase({ amountFen: o.data!.amountFen, receiptNo: o.data!.receiptNo }))
      return err(404, 'REQUEST.NOT_FOUND')
    })
    const { container } = render(<AwardPage />)
    fireEvent.change(container.querySelector('.member-code-input')!, { target: { value: '1234 5678 9012' } })
    fireEvent.click(container.querySelector('.member-code-submit')!)
    await waitFor(() => expect(container.querySelector('.scanned-member')).toHaveTextContent('阿丽'))
    expect(request.mock.calls[0][0].data).toEqual({ code: '123456789012' })
    expect(container.querySelector('.scanned-member')).toHaveTextContent('138****0000')
    expect(container.querySelector('.scanned-member')).toHaveTextContent('银卡会员')
    expect(container.querySelector('.scanned-balance')).toHaveTextContent('1,200')

    fireEvent.change(container.querySelector('.receipt-input')!, { target: { value: 'R1' } })
    fireEvent.change(container.querySelector('.amount-input')!, { target: { value: '12.345' } })
    fireEvent.click(container.querySelector('.award-confirm')!)
    expect(container.querySelector('.award-error')).toHaveTextContent('金额最多保留两位小数')
    expect(request).toHaveBeenCalledTimes(1)

    fireEvent.change(container.querySelector('.amount-input')!, { target: { value: '1.15' } })
    fireEvent.click(container.querySelector('.award-confirm')!)
    await waitFor(() => expect(container.querySelector('.award-result')).toHaveTextContent('积分已发放'))
    const post = request.mock.calls[1][0] as Req
    expect(post.data).toEqual({ scanToken: 'scan-token-0123456789abcdef', receiptNo: 'R1', amountFen: 115 })
    expect(post.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    expect(post.header.Authorization).toBe('Bearer staff-a')
    expect(container.querySelector('.award-points')).toHaveTextContent('+128')

    fireEvent.click(container.querySelector('.award-again')!)
    expect(container.querySelector('.member-code-input')).toBeInTheDocument()
  })

  it('reuses the idempotency key after a network failure and reports pending approval', async () => {
    let posts = 0
    request.mockImplementation(async (o: Req) => {
      if (o.url.endsWith('/member-code/resolve')) return ok({ member, scanToken: 'scan-token-0123456789abcdef' })
      posts += 1
      if (posts === 1) throw new Error('timeout')
      return ok(purchase({ status: 'pending_approval', balanceAfter: null, points: 5000 }))
    })
    const { container } = render(<AwardPage />)
    fireEvent.change(container.querySelector('.member-code-input')!, { target: { value: '123456' } })
    fireEvent.click(container.querySelector('.member-code-submit')!)
    await waitFor(() => expect(container.querySelector('.receipt-input')).toBeInTheDocument())
    fireEvent.change(container.querySelector('.receipt-input')!, { target: { value: 'R9' } })
    fireEvent.change(container.querySelector('.amount-input')!, { target: { value: '5000' } })
    fireEvent.click(container.querySelector('.award-confirm')!)
    await waitFor(() => expect(container.querySelector('.award-error')).toHaveTextContent('网络连接失败'))
    fireEvent.click(container.querySelector('.award-confirm')!)
    await waitFor(() => expect(container.querySelector('.award-result')).toHaveTextContent('已提交店长审批'))
    const keys = request.mock.calls
      .filter(([o]) => o.url.endsWith('/api/staff/purchases'))
      .map(([o]) => o.header['Idempotency-Key'])
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
  })
})

describe('TodayPage', () => {
  it('offers undo only inside the window and undoes purchases and coupons on their routes', async () => {
    const future = new Date(Date.now() + 5 * 60_000).toISOString()
    const past = new Date(Date.now() - 60_000).toISOString()
    const op = (kind: string, ref: string, undoableUntil: string | null) => ({
      kind,
      at: '2025-01-05T06:00:00Z',
      ref,
      memberId: 'm1',
      title: `t ${ref}`,
      amountFen: kind === 'purchase' ? 100 : null,
      points: kind === 'purchase' ? 1 : null,
      status: kind === 'purchase' ? 'posted' : 'redeemed',
      staffId: 'clerk1',
      staffName: '小王',
      undoableUntil,
      flags: [],
    })
    request.mockImplementation(async (o: Req) => {
      if (o.url.endsWith('/operations/today'))
        return ok({
          items: [op('purchase', 'R1', future), op('coupon', '123456#7', future), op('purchase', 'R0', past)],
        })
      // the server omits `breakdown` on reversals (see services/staff.ts)
      if (o.url.includes('/reverse')) return ok({ ...purchase({ status: 'reversed' }), breakdown: undefined })
      return ok({})
    })
    const { container } = render(<TodayPage />)
    await waitFor(() => expect(container.querySelectorAll('.op-row')).toHaveLength(3))
    // people's names on screen, not account ids
    expect(container.querySelector('.op-row')).toHaveTextContent('小王')
    expect(container.querySelector('.op-row')).not.toHaveTextContent('clerk1')
    expect(container.querySelectorAll('.op-undo')).toHaveLength(2)
    fireEvent.click(container.querySelectorAll('.op-undo')[0]!)
    await waitFor(() =>
      expect(request.mock.calls.some(([o]) => o.url.endsWith('/api/staff/purchases/R1/reverse'))).toBe(true),
    )
    const reverse = request.mock.calls.find(([o]) => o.url.includes('/reverse'))![0] as Req
    expect(reverse.data).toEqual({ reason: 'undo' })
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith({ title: '已撤销', icon: 'success' }))
    await waitFor(() => expect(container.querySelectorAll('.op-undo')).toHaveLength(1))
    fireEvent.click(container.querySelector('.op-undo')!)
    await waitFor(() =>
      expect(request.mock.calls.some(([o]) => o.url.endsWith('/api/staff/coupons/123456%237/undo'))).toBe(true),
    )
  })
})

describe('RedeemPage', () => {
  const coupon = {
    couponId: '123456#7',
    templateId: '123456',
    name: '咖啡满减券',
    type: 'cash_off',
    headline: '满30减5',
    status: 'unused',
    validFrom: '2025-01-01T00:00:00Z',
    validTo: '2025-02-01T15:59:00Z',
    claimedAt: '2025-01-01T00:00:00Z',
    redeemedAt: null,
    redeemedStoreId: null,
    storeIds: [],
    pricePoints: 0,
  }

  it('previews, explains an unusable coupon in Chinese, and redeems a usable one', async () => {
    let usable = false
    request.mockImplementation(async (o: Req) => {
      if (o.url.endsWith('/coupons/preview'))
        return ok({
          coupon,
          member: { memberNo: '****1234', nickname: '阿丽' },
          usable,
          reason: usable ? null : 'wrong_store',
        })
      if (o.url.endsWith('/coupons/redeem'))
        return ok({ ...coupon, status: 'used', redeemedAt: '2025-01-05T06:03:00Z', redeemedStoreId: 'S1' })
      return err(404, 'REQUEST.NOT_FOUND')
    })
    const { container } = render(<RedeemPage />)
    fireEvent.change(container.querySelector('.coupon-code-input')!, { target: { value: '2123 4567' } })
    fireEvent.click(container.querySelector('.coupon-code-submit')!)
    await waitFor(() => expect(container.querySelector('.coupon-preview')).toHaveTextContent('满30减5'))
    expect(container.querySelector('.coupon-preview')).toHaveTextContent('阿丽（****1234）')
    expect(container.querySelector('.coupon-preview')).toHaveTextContent('2025-01-01 08:00 至 2025-02-01 23:59')
    expect(container.querySelector('.preview-reason')).toHaveTextContent('该券不能在本店使用')
    expect(container.querySelector('.redeem-confirm')).toBeNull()

    usable = true
    fireEvent.click(container.querySelector('.redeem-cancel')!)
    fireEvent.change(container.querySelector('.coupon-code-input')!, { target: { value: '21234567' } })
    fireEvent.click(container.querySelector('.coupon-code-submit')!)
    await waitFor(() => expect(container.querySelector('.preview-usable')).toHaveTextContent('可核销'))
    fireEvent.click(container.querySelector('.redeem-confirm')!)
    await waitFor(() => expect(container.querySelector('.redeem-result')).toHaveTextContent('核销成功'))
    const redeem = request.mock.calls.find(([o]) => o.url.endsWith('/coupons/redeem'))![0] as Req
    expect(redeem.data).toEqual({ code: '21234567' })
    expect(container.querySelector('.redeem-result')).toHaveTextContent('2025-01-05 14:03')
  })

  it('shows the server error for a used code', async () => {
    request.mockResolvedValue(err(409, 'COUPON.ALREADY_REDEEMED'))
    const { container } = render(<RedeemPage />)
    fireEvent.change(container.querySelector('.coupon-code-input')!, { target: { value: '1' } })
    fireEvent.click(container.querySelector('.coupon-code-submit')!)
    await waitFor(() => expect(container.querySelector('.code-entry-error')).toHaveTextContent('该券已核销'))
  })
})
