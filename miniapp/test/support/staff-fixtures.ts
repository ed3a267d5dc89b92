import Taro from '@tarojs/taro'
/** What the staff pages' tests answer through the mocked Taro.request, and the two session slots' keys. */
export const ok = (data: unknown) => ({ statusCode: 200, data })
export const err = (status: number, code: string, details?: unknown) => ({
  statusCode: status,
  data: { error: { code, message: 'en', requestId: 'r', details } },
})
export type Req = { url: string; method: string; data?: Record<string, unknown>; header: Record<string, string> }

export const MEMBER_KEY = 'mall.session.v1'
export const STAFF_KEY = 'mall.staff-session.v1'
export const profile = {
  staffId: 'clerk1',
  username: 'clerk1',
  displayName: '小王',
  role: 'clerk',
  storeId: 'S1',
  storeName: '一号店',
}
export const member = {
  memberId: 'm1',
  memberNo: '88001234',
  nickname: '阿丽',
  phoneMasked: '138****0000',
  tier: { level: 2, name: '银卡会员' },
  pointsBalance: 1200,
}
export const purchase = (over: Record<string, unknown> = {}) => ({
  purchaseId: 'p1',
  status: 'posted',
  memberId: 'm1',
  storeId: 'S1',
  receiptNo: 'R1',
  amountFen: 12850,
  points: 128,
  balanceAfter: 1328,
  tier: { level: 2, name: '银卡会员' },
  breakdown: null,
  staffId: 'clerk1',
  createdAt: '2025-01-05T06:00:00Z',
  ...over,
})

/** Both sessions present, as after a member and a staff login on the same phone. */
export function withBothSessions(store: Map<string, unknown>): void {
  store.set(MEMBER_KEY, { accessToken: 'member-a', refreshToken: 'member-refresh-token', expiresAt: 0 })
  store.set(STAFF_KEY, { accessToken: 'staff-a', refreshToken: 'staff-refresh-token', expiresAt: 0 })
}

/**
 * Each staff test starts on a phone with both sessions and nothing else stored, no answers queued on the
 * mocked Taro.request and no navigation seen (the test file mocks Taro with createStaffTaroMock).
 */
export function freshStaffPhone(store: Map<string, unknown>): void {
  store.clear()
  ;(Taro.request as unknown as jest.Mock).mockReset()
  ;(Taro.reLaunch as jest.Mock).mockClear()
  withBothSessions(store)
}
