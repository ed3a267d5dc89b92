import { render, screen, fireEvent } from '@testing-library/react'
import MemberCodePanel from '../src/components/member-code-panel'
import type { MemberCodeState } from '../src/hooks/use-member-code'
import { ApiError } from '../src/services/api'

jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock())

function state(overrides: Partial<MemberCodeState>): MemberCodeState {
  return { code: null, loading: false, error: null, secondsLeft: 0, refresh: jest.fn(async () => {}), ...overrides }
}

describe('MemberCodePanel', () => {
  it('renders QR, barcode and digits with stable test hooks', () => {
    const code = {
      code: '482915736201',
      stepSeconds: 30,
      refreshAt: '2025-01-01T00:00:30Z',
      serverTime: '2025-01-01T00:00:00Z',
    }
    const { container } = render(<MemberCodePanel state={state({ code, secondsLeft: 17 })} />)
    const qr = container.querySelector('img.member-qr')
    expect(qr).toHaveAttribute('data-code', '482915736201')
    expect(qr?.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/)
    expect(container.querySelector('img.member-barcode')).not.toBeNull()
    expect(container.querySelector('.member-code-digits')).toHaveTextContent('482915736201')
    expect(screen.getByText('17 秒后自动刷新')).toBeInTheDocument()
  })

  it('shows the zh-CN error and retries on tap', () => {
    const refresh = jest.fn(async () => {})
    render(<MemberCodePanel state={state({ error: new ApiError('REQUEST.RATE_LIMITED', 429), refresh })} />)
    expect(screen.getByText('操作太频繁，请稍后再试')).toBeInTheDocument()
    fireEvent.click(screen.getByText('重试'))
    expect(refresh).toHaveBeenCalledTimes(1)
  })

  it('shows loading and empty states', () => {
    const { rerender } = render(<MemberCodePanel state={state({ loading: true })} />)
    expect(screen.getByText('会员码加载中…')).toBeInTheDocument()
    rerender(<MemberCodePanel state={state({})} />)
    expect(screen.getByText('暂无会员码')).toBeInTheDocument()
  })
})
