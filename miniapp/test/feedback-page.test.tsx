import Taro from '@tarojs/taro'
import { render, fireEvent, waitFor } from '@testing-library/react'
import FeedbackPage from '../src/pages/feedback'
import { feedbackEventLine, feedbackStatusTone } from '../src/lib/feedback-format'

jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({ taro: { chooseImage: jest.fn(), downloadFile: jest.fn() } }),
)

const request = Taro.request as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
type Call = { url: string; method: string; data?: Record<string, unknown>; header: Record<string, string> }
const calls = (): Call[] => request.mock.calls.map((c) => c[0] as Call)

const ticket = (over: Record<string, unknown> = {}) => ({
  ticketId: '12345678-1',
  memberId: '12345678',
  category: 'parking',
  text: '出口排队太久',
  storeId: null,
  hasPhoto: false,
  status: 'open',
  assignee: null,
  createdAt: '2026-03-11T02:00:00.000Z',
  updatedAt: '2026-03-11T02:00:00.000Z',
  firstResponseAt: null,
  closedAt: null,
  history: [
    { at: '2026-03-11T02:00:00.000Z', actor: 'member', actorId: null, action: 'submit', status: 'open', text: null },
  ],
  ...over,
})

beforeEach(() => {
  request.mockReset()
  showToast.mockClear()
})

describe('FeedbackPage', () => {
  it('checks the form, submits with an Idempotency-Key, and lists the new ticket', async () => {
    let submitted = false
    request.mockImplementation(async ({ method }: Call) => {
      if (method === 'POST') {
        submitted = true
        return { statusCode: 201, data: ticket() }
      }
      return ok({ items: submitted ? [ticket()] : [] })
    })
    const { container } = render(<FeedbackPage />)
    await waitFor(() => expect(container.querySelector('.feedback-empty')).toBeInTheDocument())

    fireEvent.click(container.querySelector('.feedback-submit')!)
    expect(showToast).toHaveBeenLastCalledWith({ title: '请选择反馈类型', icon: 'none' })
    fireEvent.click(container.querySelector('.feedback-category[data-code="parking"]')!)
    fireEvent.click(container.querySelector('.feedback-submit')!)
    expect(showToast).toHaveBeenLastCalledWith({ title: '请填写反馈内容', icon: 'none' })
    expect(calls().filter((c) => c.method === 'POST')).toHaveLength(0)

    fireEvent.change(container.querySelector('.feedback-text')!, { target: { value: '  出口排队太久 ' } })
    expect(container.querySelector('.feedback-count')).toHaveTextContent('9/1000')
    fireEvent.click(container.querySelector('.feedback-submit')!)
    await waitFor(() => expect(container.querySelector('.feedback-result')).toHaveTextContent('12345678-1'))
    const post = calls().find((c) => c.method === 'POST')!
    expect(post.url).toBe('http://api.test/api/me/feedback')
    expect(post.data).toEqual({ category: 'parking', text: '出口排队太久' })
    expect(post.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    await waitFor(() =>
      expect(container.querySelector('.feedback-ticket[data-status="open"] .feedback-status')).toHaveTextContent(
        '待处理',
      ),
    )
  })

  it('keeps the Idempotency-Key for a retry after a network failure', async () => {
    let posts = 0
    request.mockImplementation(async ({ method }: Call) => {
      if (method !== 'POST') return ok({ items: [] })
      if (++posts === 1) throw new Error('offline')
      return { statusCode: 201, data: ticket() }
    })
    const { container } = render(<FeedbackPage />)
    await waitFor(() => expect(container.querySelector('.feedback-empty')).toBeInTheDocument())
    fireEvent.click(container.querySelector('.feedback-category[data-code="service"]')!)
    fireEvent.change(container.querySelector('.feedback-text')!, { target: { value: '服务很好' } })
    fireEvent.click(container.querySelector('.feedback-submit')!)
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith({ title: '网络连接失败，请检查网络后重试', icon: 'none' }),
    )
    fireEvent.click(container.querySelector('.feedback-submit')!)
    await waitFor(() => expect(container.querySelector('.feedback-result')).toBeInTheDocument())
    const keys = calls()
      .filter((c) => c.method === 'POST')
      .map((c) => c.header['Idempotency-Key'])
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
  })

  it('shows the status badge and the replies, and sends a follow-up on a replied ticket', async () => {
    const replied = ticket({
      status: 'replied',
      assignee: '物业部',
      history: [
        ...ticket().history,
        {
          at: '2026-03-11T02:10:00.000Z',
          actor: 'staff',
          actorId: null,
          action: 'assign',
          status: 'assigned',
          text: '物业部',
        },
        {
          at: '2026-03-11T02:20:00.000Z',
          actor: 'staff',
          actorId: null,
          action: 'reply',
          status: 'replied',
          text: '已加开出口',
        },
      ],
    })
    request.mockImplementation(async ({ method, url }: Call) =>
      method === 'POST' && url.endsWith('/follow-up')
        ? ok({ ...replied, status: 'assigned' })
        : ok({ items: [replied] }),
    )
    const { container } = render(<FeedbackPage />)
    await waitFor(() =>
      expect(container.querySelector('.feedback-ticket .feedback-status')).toHaveTextContent('已回复'),
    )
    expect(container.querySelector('.feedback-reply')).toHaveTextContent('商场回复已加开出口')
    expect(container.querySelector('.feedback-event--assign')).toHaveTextContent('已转交物业部处理')

    fireEvent.click(container.querySelector('.feedback-followup-open')!)
    fireEvent.change(container.querySelector('.feedback-followup__text')!, { target: { value: '晚上还是很慢' } })
    fireEvent.click(container.querySelector('.feedback-followup__send')!)
    await waitFor(() => expect(calls().some((c) => c.url.endsWith('/api/me/feedback/12345678-1/follow-up'))).toBe(true))
    expect(calls().find((c) => c.url.endsWith('/follow-up'))!.data).toEqual({ text: '晚上还是很慢' })
  })
})

describe('feedback display helpers', () => {
  it('labels every history step the member sees and colours every status', () => {
    const e = (action: string, text: string | null) => ({
      at: '',
      actor: 'staff' as const,
      actorId: null,
      action: action as never,
      status: 'open' as const,
      text,
    })
    expect(feedbackEventLine(e('submit', null))).toBeNull()
    expect(feedbackEventLine(e('assign', '客服中心'))).toEqual({ who: '处理进度', text: '已转交客服中心处理' })
    expect(feedbackEventLine(e('close', '已解决'))).toEqual({ who: '处理结果', text: '已解决' })
    expect(['open', 'assigned', 'replied', 'closed'].map((s) => feedbackStatusTone(s as never))).toEqual([
      'waiting',
      'doing',
      'done',
      'void',
    ])
  })
})
