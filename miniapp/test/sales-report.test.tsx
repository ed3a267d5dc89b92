import Taro from '@tarojs/taro'
import { fireEvent, render, waitFor } from '@testing-library/react'
import type { StoreDaySummary } from '@mall/shared'
import SalesReport from '../src/staff/components/sales-report'

jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock({}))

const request = Taro.request as unknown as jest.Mock
type Call = { url: string; method: string; data?: unknown }
const summary = (declared: StoreDaySummary['declared'] = null): StoreDaySummary => ({
  storeId: 'S1',
  day: '2026-10-15',
  purchases: 2,
  amountFen: 400_00,
  points: 400,
  couponsRedeemed: 0,
  pendingApprovals: 0,
  flagged: 0,
  byStaff: [],
  declared,
})
const input = (view: ReturnType<typeof render>, selector: string, value: string) =>
  fireEvent.change(view.container.querySelector(selector)!, { target: { value } })

beforeEach(() => request.mockReset())

describe('SalesReport (全店销售额申报)', () => {
  it("checks the figures locally, then reports the day's takings once", async () => {
    request.mockImplementation(async () => ({ statusCode: 200, data: {} }))
    const onSaved = jest.fn()
    const view = render(<SalesReport summary={summary()} onSaved={onSaved} />)
    expect(view.container.textContent).toContain('尚未申报')
    input(view, '.sales-report__amount', '1,000')
    fireEvent.click(view.container.querySelector('.sales-report__submit')!)
    expect(view.container.querySelector('.sales-report__error')!.textContent).toContain('金额格式不正确')
    input(view, '.sales-report__amount', '1000')
    input(view, '.sales-report__receipts', '十')
    fireEvent.click(view.container.querySelector('.sales-report__submit')!)
    expect(view.container.querySelector('.sales-report__error')!.textContent).toBe('请输入全店小票数（整数）')
    expect(request).not.toHaveBeenCalled()

    input(view, '.sales-report__receipts', '10')
    fireEvent.click(view.container.querySelector('.sales-report__submit')!)
    await waitFor(() => expect(onSaved).toHaveBeenCalled())
    const calls = request.mock.calls.map((c) => c[0] as Call)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ method: 'PUT', data: { day: '2026-10-15', totalSalesFen: 1000_00, receipts: 10 } })
    expect(calls[0]!.url).toMatch(/\/api\/staff\/store\/sales$/)
  })

  it("shows the reported figure with the member share, and the server's refusal in Chinese", async () => {
    const view = render(
      <SalesReport
        summary={summary({ totalSalesFen: 1000_00, receipts: 10, reportedBy: 'm', reportedAt: '2026-10-15T10:00:00Z' })}
        onSaved={jest.fn()}
      />,
    )
    expect(view.container.querySelector('.sales-report__declared')!.textContent).toContain('会员占比 40%')
    request.mockImplementation(async () => ({
      statusCode: 422,
      data: { error: { code: 'STORE.SALES_BELOW_MEMBER_SALES', message: 'en', requestId: 'r' } },
    }))
    input(view, '.sales-report__amount', '300')
    input(view, '.sales-report__receipts', '5')
    fireEvent.click(view.container.querySelector('.sales-report__submit')!)
    await waitFor(() =>
      expect(view.container.querySelector('.sales-report__error')?.textContent).toBe(
        '全店销售额不能低于当天已录入的会员消费',
      ),
    )
  })
})
