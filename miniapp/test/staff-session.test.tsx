import '@testing-library/jest-dom'
import Taro from '@tarojs/taro'
import { render, fireEvent, waitFor } from '@testing-library/react'
import { api } from '../src/services/api'
import { fetchStaffMe, isStaffLoggedIn } from '../src/services/staff'
import StaffLoginPage from '../src/staff/pages/login'
import { MEMBER_KEY, STAFF_KEY, err, ok, profile, freshStaffPhone, type Req } from './support/staff-fixtures'

// Real API client over a mocked Taro.request, real storage semantics over a Map; page lifecycle
// hooks run like mount effects.
const store = new Map<string, unknown>()
jest.mock('@tarojs/taro', () => require('./support/taro-mock').createStaffTaroMock(() => store))

const request = Taro.request as unknown as jest.Mock

beforeEach(() => freshStaffPhone(store))

// The DOM stand-in for <Input> forwards Taro's boolean `password` prop to <input>; React warns.
const consoleError = console.error
beforeAll(() => {
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes('non-boolean attribute `%s`') && args[2] === 'password') return
    consoleError(...args)
  })
})
afterAll(() => (console.error as jest.Mock).mockRestore())

describe('two session slots', () => {
  it('authenticates staff calls with the staff token and member calls with the member token', async () => {
    request.mockImplementation(async (o: Req) => ok(o.url.endsWith('/api/staff/me') ? profile : {}))
    await fetchStaffMe()
    await api.get('/api/me/card')
    expect(request.mock.calls[0][0].header.Authorization).toBe('Bearer staff-a')
    expect(request.mock.calls[1][0].header.Authorization).toBe('Bearer member-a')
  })

  it('refreshes the staff session on its own route and slot', async () => {
    request.mockImplementation(async (o: Req) => {
      if (o.url.endsWith('/api/staff/auth/refresh'))
        return ok({ accessToken: 'staff-b', refreshToken: 'staff-refresh-2', expiresIn: 900 })
      return o.header.Authorization === 'Bearer staff-b' ? ok(profile) : err(401, 'AUTH.TOKEN_EXPIRED')
    })
    await expect(fetchStaffMe()).resolves.toMatchObject({ displayName: '小王' })
    expect(request.mock.calls.filter(([o]) => o.url.endsWith('/api/staff/auth/refresh'))[0][0].data).toEqual({
      refreshToken: 'staff-refresh-token',
    })
    expect(store.get(STAFF_KEY)).toMatchObject({ accessToken: 'staff-b' })
    expect(store.get(MEMBER_KEY)).toMatchObject({ accessToken: 'member-a' })
  })

  it('a dead staff session clears only the staff slot', async () => {
    request.mockImplementation(async (o: Req) =>
      o.url.endsWith('/refresh') ? err(401, 'AUTH.REFRESH_REUSED') : err(401, 'AUTH.TOKEN_EXPIRED'),
    )
    await expect(fetchStaffMe()).rejects.toMatchObject({ isAuthLost: true })
    expect(isStaffLoggedIn()).toBe(false)
    expect(store.has(MEMBER_KEY)).toBe(true)
  })
})

describe('StaffLoginPage', () => {
  it('shows the lockout time from the server', async () => {
    store.delete(STAFF_KEY)
    request.mockResolvedValue({ ...err(423, 'AUTH.LOCKED', { retryAfter: 840 }), header: { 'Retry-After': '840' } })
    const { container } = render(<StaffLoginPage />)
    fireEvent.change(container.querySelector('.staff-username')!, { target: { value: 'clerk1' } })
    fireEvent.change(container.querySelector('.staff-password')!, { target: { value: 'wrong' } })
    fireEvent.click(container.querySelector('.staff-login-button')!)
    await waitFor(() =>
      expect(container.querySelector('.staff-login-error')).toHaveTextContent('账号已被临时锁定，请 14 分钟后再试'),
    )
  })

  it('stores the staff session next to the member session and opens the 工作台', async () => {
    store.delete(STAFF_KEY)
    request.mockResolvedValue(
      ok({ accessToken: 'staff-new', refreshToken: 'staff-refresh-new', expiresIn: 900, staff: profile }),
    )
    const { container } = render(<StaffLoginPage />)
    fireEvent.change(container.querySelector('.staff-username')!, { target: { value: 'clerk1' } })
    fireEvent.change(container.querySelector('.staff-password')!, { target: { value: 'pw' } })
    fireEvent.click(container.querySelector('.staff-login-button')!)
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/staff/pages/home/index' }))
    expect(request.mock.calls[0][0]).toMatchObject({
      url: 'http://api.test/api/staff/auth/login',
      data: { username: 'clerk1', password: 'pw' },
    })
    expect(request.mock.calls[0][0].header.Authorization).toBeUndefined()
    expect(store.get(STAFF_KEY)).toMatchObject({ accessToken: 'staff-new' })
    expect(store.get(MEMBER_KEY)).toMatchObject({ accessToken: 'member-a' })
  })
})
