import Taro from '@tarojs/taro'
import { render, fireEvent, waitFor } from '@testing-library/react'
import CheckinPage from '../src/pages/checkin'
import InvitePage from '../src/pages/invite'

// Lifecycle hooks run like mount effects; requests go through the real client to a mocked
// Taro.request, so schema validation and headers are exercised end to end.
const shareHandlers: Array<() => { title: string; path: string }> = []
jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({
    taro: {
      showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
      setClipboardData: jest.fn(async () => {}),
      requestSubscribeMessage: jest.fn(),
    },
    exports: { useShareAppMessage: (fn: () => { title: string; path: string }) => shareHandlers.push(fn) },
  }),
)

const request = Taro.request as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
const fail = (statusCode: number, code: string) => ({
  statusCode,
  data: { error: { code, message: 'en', requestId: 'r' } },
})

const status = (over: Record<string, unknown> = {}) => ({
  today: '2026-03-11',
  month: '2026-03',
  checkedDays: ['2026-03-10'],
  checkedInToday: false,
  streak: 1,
  nextMilestone: { day: 3, bonusPoints: 10, inDays: 2 },
  makeupCards: 1,
  makeupUsedThisMonth: 0,
  makeupMonthlyCap: 2,
  makeupCardPricePoints: 50,
  basePoints: 5,
  reminderSubscribed: false,
  ...over,
})
const result = (over: Record<string, unknown> = {}) => ({
  day: '2026-03-11',
  kind: 'daily',
  streak: 2,
  rewardPoints: 5,
  milestoneDay: null,
  makeupCardsEarned: 0,
  ...over,
})
type Call = { url: string; method: string; data?: unknown; header: Record<string, string> }
const calls = (): Call[] => request.mock.calls.map((c) => c[0] as Call)
const posts = (path: string) => calls().filter((c) => c.method === 'POST' && c.url.endsWith(path))

beforeEach(() => {
  request.mockReset()
  showToast.mockClear()
  shareHandlers.length = 0
})

describe('CheckinPage', () => {
  it('checks in, shows the reward and the new streak, and then refuses a second tap locally', async () => {
    let checked = false
    request.mockImplementation(async ({ url, method }: Call) => {
      if (method === 'POST' && url.endsWith('/api/me/checkin')) {
        checked = true
        return ok(result())
      }
      return ok(
        checked ? status({ checkedInToday: true, streak: 2, checkedDays: ['2026-03-10', '2026-03-11'] }) : status(),
      )
    })
    const { container } = render(<CheckinPage />)
    await waitFor(() => expect(container.querySelector('.checkin-button')).toHaveTextContent('签到 +5积分'))
    expect(container.querySelector('.checkin-milestone')).toHaveTextContent('再签 2 天可得 10 积分')
    expect(container.querySelector('.checkin-month-label')).toHaveTextContent('2026年3月')
    expect(container.querySelectorAll('.checkin-day')).toHaveLength(31)

    fireEvent.click(container.querySelector('.checkin-button')!)
    await waitFor(() => expect(container.querySelector('.checkin-reward')).toHaveTextContent('+5 积分'))
    await waitFor(() => expect(container.querySelector('.checkin-button')).toHaveTextContent('今日已签到'))
    expect(container.querySelector('.checkin-streak')).toHaveAttribute('data-streak', '2')
    expect(container.querySelector('.checkin-day[data-day="2026-03-11"]')).toHaveAttribute('data-checked', 'true')

    fireEvent.click(container.querySelector('.checkin-button')!)
    expect(posts('/api/me/checkin')).toHaveLength(1)
    expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '今日已签到，明天再来' }))
  })

  it('makes up a missed day after confirmation, and explains why when it cannot', async () => {
    request.mockImplementation(async ({ method }: Call) =>
      method === 'POST' ? ok(result({ kind: 'makeup', day: '2026-03-09' })) : ok(status()),
    )
    const { container } = render(<CheckinPage />)
    await waitFor(() =>
      expect(container.querySelector('.checkin-day[data-day="2026-03-09"]')).toHaveClass('checkin-day--makeup'),
    )
    fireEvent.click(container.querySelector('.checkin-day[data-day="2026-03-09"]')!)
    await waitFor(() => expect(posts('/api/me/checkin/makeup')).toHaveLength(1))
    expect(posts('/api/me/checkin/makeup')[0]!.data).toEqual({ day: '2026-03-09' })
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '使用 1 张补签卡补签3月9日？' }))
    await waitFor(() => expect(container.querySelector('.checkin-reward')).toHaveTextContent('补签成功'))

    // future days do nothing
    fireEvent.click(container.querySelector('.checkin-day[data-day="2026-03-20"]')!)
    expect(posts('/api/me/checkin/makeup')).toHaveLength(1)
  })

  it('buys a make-up card with an Idempotency-Key that survives a network failure', async () => {
    let attempt = 0
    request.mockImplementation(async ({ url, method }: Call) => {
      if (method === 'POST' && url.endsWith('/makeup-cards')) {
        attempt++
        if (attempt === 1) throw new Error('offline')
        if (attempt === 2) return ok({ cardId: 'c1', makeupCards: 2 })
        return fail(409, 'POINTS.INSUFFICIENT')
      }
      return ok(status({ makeupCards: 0 }))
    })
    const { container } = render(<CheckinPage />)
    await waitFor(() => expect(container.querySelector('.makeup-buy')).toHaveTextContent('购买补签卡（50积分）'))
    expect(container.querySelector('.makeup-count')).toHaveTextContent('0')
    const buy = async (n: number) => {
      fireEvent.click(container.querySelector('.makeup-buy')!)
      await waitFor(() => expect(posts('/makeup-cards')).toHaveLength(n))
      await waitFor(() => expect(container.querySelector('.makeup-buy')).not.toHaveClass('is-busy'))
    }
    await buy(1)
    await buy(2)
    await buy(3)
    const keys = posts('/makeup-cards').map((c) => c.header['Idempotency-Key'])
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{8,128}$/)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
    await waitFor(() => expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '积分不足' })))
  })

  it('moves between months and turns the reminder on (H5: no subscribe prompt)', async () => {
    request.mockImplementation(async ({ url, method }: Call) => {
      if (method === 'POST') return ok({ subscribed: true })
      return ok(url.includes('month=2026-02') ? status({ month: '2026-02', checkedDays: ['2026-02-14'] }) : status())
    })
    const { container } = render(<CheckinPage />)
    await waitFor(() => expect(container.querySelector('.checkin-next-month')).toHaveClass('is-off'))
    fireEvent.click(container.querySelector('.checkin-prev-month')!)
    await waitFor(() => expect(container.querySelector('.checkin-month-label')).toHaveTextContent('2026年2月'))
    expect(container.querySelectorAll('.checkin-day')).toHaveLength(28)
    expect(container.querySelector('.checkin-day[data-day="2026-02-14"]')).toHaveAttribute('data-checked', 'true')
    expect(container.querySelectorAll('.checkin-day--makeup')).toHaveLength(0)

    fireEvent.click(container.querySelector('.checkin-reminder')!)
    await waitFor(() => expect(posts('/api/me/checkin/reminder')).toHaveLength(1))
    expect(posts('/api/me/checkin/reminder')[0]!.data).toEqual({ subscribe: true })
    await waitFor(() =>
      expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已开启签到提醒' })),
    )
  })

  it('shows a retryable error', async () => {
    request.mockResolvedValueOnce(fail(500, 'INTERNAL')).mockResolvedValue(ok(status()))
    const { container, getByText } = render(<CheckinPage />)
    await waitFor(() => expect(container.querySelector('.checkin-error')).toBeInTheDocument())
    fireEvent.click(getByText('重试'))
    await waitFor(() => expect(container.querySelector('.checkin-button')).toBeInTheDocument())
  })
})

const summary = {
  inviteCode: 'AB12CD',
  link: 'https://mall.example/?inviter=AB12CD',
  sharePath: 'pages/card/index?inviter=AB12CD',
  friends: [
    { nickname: 'b**', status: 'rewarded', joinedAt: '2026-03-01T02:00:00Z', rewardPoints: 200 },
    { nickname: 'c**', status: 'registered', joinedAt: '2026-03-02T02:00:00Z', rewardPoints: 0 },
    { nickname: 'd**', status: 'capped', joinedAt: '2026-03-03T02:00:00Z', rewardPoints: 0 },
  ],
  totals: { invited: 3, purchased: 2, rewardPoints: 200, pendingRewards: 1 },
  rules: { inviteePoints: 50, inviterPoints: 200, dailyCap: 5, monthlyCap: 20 },
}

describe('InvitePage', () => {
  it('shows the code, link, QR, friends with status labels and totals; copies the link', async () => {
    request.mockResolvedValue(ok(summary))
    const { container } = render(<InvitePage />)
    await waitFor(() => expect(container.querySelector('.invite-code')).toHaveTextContent('AB12CD'))
    expect(container.querySelector('.invite-link')).toHaveTextContent(summary.link)
    expect(container.querySelector('.invite-qr')).toHaveAttribute('data-text', summary.link)
    expect(container.querySelector('.invite-qr')!.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/)
    const friends = [...container.querySelectorAll('.invite-friend')].map((f) => f.textContent)
    expect(friends).toEqual([
      expect.stringContaining('已奖励'),
      expect.stringContaining('已注册'),
      expect.stringContaining('已达上限'),
    ])
    expect(friends[0]).toContain('+200 积分')
    expect(container.querySelector('.invite-totals__points')).toHaveTextContent('200')
    expect(container.querySelector('.invite-rules')).toHaveTextContent('每天最多奖励 5 位好友')

    fireEvent.click(container.querySelector('.invite-copy')!)
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: summary.link }))
    await waitFor(() =>
      expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '邀请链接已复制' })),
    )
    expect(shareHandlers.at(-1)!()).toEqual({ title: expect.any(String), path: '/pages/card/index?inviter=AB12CD' })
  })

  it('has an empty state and an error state', async () => {
    request
      .mockResolvedValueOnce(fail(500, 'INTERNAL'))
      .mockResolvedValue(
        ok({ ...summary, friends: [], totals: { invited: 0, purchased: 0, rewardPoints: 0, pendingRewards: 0 } }),
      )
    const { container, getByText } = render(<InvitePage />)
    await waitFor(() => expect(container.querySelector('.invite-error')).toBeInTheDocument())
    fireEvent.click(getByText('重试'))
    await waitFor(() => expect(container.querySelector('.invite-empty')).toHaveTextContent('还没有好友接受邀请'))
  })
})

describe('setCheckinReminder on weapp', () => {
  const load = () => {
    let mod: typeof import('../src/services/engagement') | undefined
    const before = process.env.TARO_ENV
    process.env.TARO_ENV = 'weapp'
    jest.isolateModules(() => {
      mod = require('../src/services/engagement')
    })
    process.env.TARO_ENV = before
    return mod!
  }
  const subscribe = Taro.requestSubscribeMessage as unknown as jest.Mock

  it('asks for the subscribe-message template first and only then tells the server', async () => {
    request.mockResolvedValue(ok({ subscribed: true }))
    subscribe.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'checkin-reminder-test': 'accept' })
    await expect(load().setCheckinReminder(true)).resolves.toEqual({ subscribed: true })
    expect(subscribe).toHaveBeenCalledWith({ tmplIds: ['checkin-reminder-test'] })
    expect(posts('/api/me/checkin/reminder')).toHaveLength(1)
  })

  it('leaves the reminder off when the member refuses, and unsubscribes without asking', async () => {
    request.mockResolvedValue(ok({ subscribed: false }))
    subscribe.mockClear()
    subscribe.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'checkin-reminder-test': 'reject' })
    const { setCheckinReminder } = load()
    await expect(setCheckinReminder(true)).resolves.toEqual({ declined: true })
    expect(posts('/api/me/checkin/reminder')).toHaveLength(0)
    await expect(setCheckinReminder(false)).resolves.toEqual({ subscribed: false })
    expect(subscribe).toHaveBeenCalledTimes(1)
  })
})
