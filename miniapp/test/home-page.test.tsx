import Taro from '@tarojs/taro'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import HomePage from '../src/pages/home'

// 首页 against a mocked Taro.request (through the real API client and its schema checks).
jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({ taro: { switchTab: jest.fn(async () => {}) } }),
)

const request = Taro.request as unknown as jest.Mock
const ok = (data: unknown) => ({ statusCode: 200, data })
const CARD = {
  memberId: '12345678',
  memberNo: '12345678',
  nickname: '小雅',
  phoneMasked: null,
  birthday: null,
  tier: { level: 2, name: '银卡会员' },
  pointsBalance: 4906,
  joinedAt: '2025-01-01T00:00:00Z',
}
const STORES = [
  { id: 'S1', name: '星巴克臻选', floor: '1F', category: '餐饮', opensAt: '08:00', closesAt: '22:00', logoUrl: '' },
  { id: 'S2', name: '盒马鲜生', floor: 'B1', category: '超市', opensAt: '08:00', closesAt: '22:00', logoUrl: '' },
  { id: 'S3', name: '海底捞火锅', floor: '5F', category: '餐饮', opensAt: '10:00', closesAt: '23:30', logoUrl: '' },
]
const HOME = {
  banners: [{ id: 'b1', title: '周末会员日 积分双倍', subtitle: '', imageUrl: '', link: '/pages/card/index' }],
  announcements: [{ id: 'a1', title: '停车场改造', body: 'B2 改造期间请停 B1', publishedOn: '2026-12-01' }],
  events: [
    { id: 'e1', title: '圣诞市集', place: '1F 中庭', summary: '', startsOn: '2026-12-20', endsOn: '2026-12-25' },
  ],
  stores: STORES,
}

function answer(home: () => unknown) {
  request.mockImplementation(async ({ url }: { url: string }) => (url.endsWith('/api/home') ? home() : ok(CARD)))
}

beforeEach(() => request.mockReset())

it('shows a loading line until the content arrives', async () => {
  answer(() => new Promise(() => {}))
  render(<HomePage />)
  expect(await screen.findByText('商场资讯加载中…')).toBeInTheDocument()
  expect(await screen.findByText(/银卡会员 · 4,906 积分/)).toBeInTheDocument()
})

it('says what went wrong and retries', async () => {
  let fail = true
  answer(() => (fail ? { statusCode: 503, data: { error: { code: 'SERVICE.UNAVAILABLE', message: 'x' } } } : ok(HOME)))
  render(<HomePage />)
  const retry = await screen.findByText('重试')
  expect(document.querySelector('.home-error .error-text')?.textContent).toBeTruthy()
  fail = false
  fireEvent.click(retry)
  expect(await screen.findByText('周末会员日 积分双倍')).toBeInTheDocument()
})

it('says the news is coming when the mall has published nothing yet', async () => {
  answer(() => ok({ banners: [], announcements: [], events: [], stores: [] }))
  render(<HomePage />)
  expect(await screen.findByText('商场资讯即将上线，敬请期待')).toBeInTheDocument()
})

it('shows banners, announcements, events and the directory by floor, and the banner opens its tab', async () => {
  answer(() => ok(HOME))
  render(<HomePage />)
  await screen.findByText('周末会员日 积分双倍')
  expect(screen.queryByText('B2 改造期间请停 B1')).toBeNull()
  fireEvent.click(screen.getByText('停车场改造'))
  expect(screen.getByText('B2 改造期间请停 B1')).toBeInTheDocument()
  expect(screen.getByText('12.20')).toBeInTheDocument()
  expect(screen.getByText('至 12.25')).toBeInTheDocument()
  const names = () => [...document.querySelectorAll('.dir-store__name')].map((n) => n.textContent)
  expect(names()).toEqual(['盒马鲜生', '星巴克臻选', '海底捞火锅']) // B1, 1F, 5F
  expect([...document.querySelectorAll('.dir-chip')].map((n) => n.textContent)).toEqual(
    expect.arrayContaining(['B1', '1F', '5F', '餐饮', '超市']),
  )
  fireEvent.click(screen.getByText('5F'))
  expect(names()).toEqual(['海底捞火锅'])
  fireEvent.click(screen.getByText('周末会员日 积分双倍'))
  await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' }))
})
