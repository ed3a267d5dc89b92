import Taro from '@tarojs/taro'
import { memberCard } from '@mall/shared'
import { ApiError, api } from '../src/services/api'
import { normalizeInviter } from '../src/services/inviter'

const store = new Map<string, unknown>()
jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock({ storage: () => store }))

const request = Taro.request as unknown as jest.Mock
const card = {
  memberId: 'm1',
  memberNo: '8800123412341234',
  nickname: 'A',
  tier: { level: 1, name: '普通会员' },
  pointsBalance: 0,
  phoneMasked: null,
  joinedAt: '2025-01-01',
}
const err = (status: number, code: string) => ({
  statusCode: status,
  data: { error: { code, message: 'en', requestId: 'req-1' } },
})

beforeEach(() => {
  store.clear()
  request.mockReset()
  store.set('mall.session.v1', { accessToken: 'old', refreshToken: 'refresh-old-token', expiresAt: 0 })
})

it('sends the bearer token and validates the response', async () => {
  request.mockResolvedValueOnce({ statusCode: 200, data: card })
  await expect(api.get('/api/me/card', memberCard)).resolves.toEqual(card)
  expect(request.mock.calls[0][0]).toMatchObject({
    url: 'http://api.test/api/me/card',
    header: { Authorization: 'Bearer old' },
  })
})

it('refreshes once for parallel expired calls, then retries with the new token', async () => {
  request.mockImplementation(async (opts: { url: string; header: Record<string, string> }) => {
    if (opts.url.endsWith('/api/auth/refresh'))
      return { statusCode: 200, data: { accessToken: 'new', refreshToken: 'refresh-new-token', expiresIn: 900 } }
    return opts.header.Authorization === 'Bearer new' ? { statusCode: 200, data: card } : err(401, 'AUTH.TOKEN_EXPIRED')
  })
  await Promise.all([api.get('/api/me/card', memberCard), api.get('/api/me/card', memberCard)])
  const refreshCalls = request.mock.calls.filter(([o]) => o.url.endsWith('/api/auth/refresh'))
  expect(refreshCalls).toHaveLength(1)
  expect(store.get('mall.session.v1')).toMatchObject({ accessToken: 'new', refreshToken: 'refresh-new-token' })
})

it('clears the session when the refresh is rejected', async () => {
  request.mockImplementation(async (opts: { url: string }) =>
    opts.url.endsWith('/api/auth/refresh') ? err(401, 'AUTH.REFRESH_REUSED') : err(401, 'AUTH.TOKEN_EXPIRED'),
  )
  const failure = await api.get('/api/me/card').catch((e: unknown) => e)
  expect(failure).toBeInstanceOf(ApiError)
  expect(failure).toMatchObject({
    code: 'AUTH.TOKEN_EXPIRED',
    status: 401,
    message: '登录已过期，请重新登录',
    isAuthLost: true,
  })
  expect(store.has('mall.session.v1')).toBe(false)
})

it('maps server errors and malformed bodies to zh-CN ApiErrors', async () => {
  request.mockResolvedValueOnce(err(429, 'REQUEST.RATE_LIMITED'))
  await expect(api.get('/api/me/card')).rejects.toMatchObject({
    code: 'REQUEST.RATE_LIMITED',
    message: '操作太频繁，请稍后再试',
    requestId: 'req-1',
  })
  request.mockResolvedValueOnce({ statusCode: 200, data: { nope: true } })
  await expect(api.get('/api/me/card', memberCard)).rejects.toMatchObject({ code: 'CLIENT.BAD_RESPONSE' })
  request.mockRejectedValueOnce(new Error('offline'))
  await expect(api.get('/api/me/card')).rejects.toMatchObject({ code: 'CLIENT.NETWORK', status: 0 })
})

it('normalizes invite codes from queries and weapp scenes', () => {
  expect(normalizeInviter('ab12cd')).toBe('AB12CD')
  expect(normalizeInviter('inviter%3DXY9Z')).toBe('XY9Z')
  expect(normalizeInviter('?inviter=QWER1234&x=1')).toBe('QWER1234')
  expect(normalizeInviter('bad code!')).toBeNull()
  expect(normalizeInviter(undefined)).toBeNull()
})
