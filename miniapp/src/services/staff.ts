import Taro from '@tarojs/taro'
import {
  memberCoupon,
  purchaseResult,
  scannedCoupon,
  scanToken,
  scannedMember,
  staffLoginResponse,
  staffOperation,
  staffProfile,
  storeDaySummary,
  type MemberCoupon,
  type PurchaseResult,
  type ScannedCoupon,
  type ScannedMember,
  type StaffOperation,
  type StaffProfile,
  type StoreDaySummary,
} from '@mall/shared'
import { itemsOf, request, type RequestOptions, type Schema } from './api'
import { STAFF_LOGIN_PAGE } from './session'
import { clearTokens, readTokens, saveTokens } from './token-store'

/**
 * Store-staff session and endpoints. Only staff/ pages import this module, so it ships in the
 * staff subpackage. Every call authenticates with the staff token slot (never the member's), and
 * responses are validated against the @mall/shared contracts like the member services.
 */

export { STAFF_LOGIN_PAGE }
export const STAFF_HOME_PAGE = '/staff/pages/home/index'
export const STAFF_PAGES = {
  award: '/staff/pages/award/index',
  redeem: '/staff/pages/redeem/index',
  today: '/staff/pages/today/index',
  approvals: '/staff/pages/approvals/index',
  daily: '/staff/pages/daily/index',
  pickup: '/staff/pages/pickup/index',
  receipts: '/staff/pages/receipts/index',
  claims: '/staff/pages/claims/index',
} as const

const PROFILE_KEY = 'mall.staff-profile.v1'

function staffRequest<T>(path: string, options: Omit<RequestOptions<T>, 'session'> = {}): Promise<T> {
  return request(path, { ...options, session: 'staff' })
}
const post = <T>(path: string, data: unknown, schema: RequestOptions<T>['schema'], headers?: Record<string, string>) =>
  staffRequest(path, { method: 'POST', data, schema, headers })

// ---- session ----

export function isStaffLoggedIn(): boolean {
  return readTokens('staff') !== null
}

/** The profile saved at login: lets the 工作台 render (and gate manager tiles) before /me answers. */
export function cachedStaffProfile(): StaffProfile | null {
  try {
    const parsed = staffProfile.safeParse(Taro.getStorageSync(PROFILE_KEY))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function cacheProfile(profile: StaffProfile): void {
  try {
    Taro.setStorageSync(PROFILE_KEY, profile)
  } catch {
    // A missing cache only means the greeting waits for /api/staff/me.
  }
}

export async function staffLogin(username: string, password: string): Promise<StaffProfile> {
  const res = await request('/api/staff/auth/login', {
    method: 'POST',
    auth: false,
    data: { username, password },
    schema: staffLoginResponse,
  })
  saveTokens(res, 'staff')
  cacheProfile(res.staff)
  return res.staff
}

/** Ends the staff session only; a member session on the same phone stays logged in. */
export function staffLogout(): void {
  clearTokens('staff')
  try {
    Taro.removeStorageSync(PROFILE_KEY)
  } catch {
    // Nothing cached.
  }
}

let lastLoginRedirect = 0

/** Several requests can discover a dead staff session at once; redirect once, replacing the stack. */
export function goToStaffLogin(): void {
  const now = Date.now()
  if (now - lastLoginRedirect < 1500) return
  lastLoginRedirect = now
  void Taro.reLaunch({ url: STAFF_LOGIN_PAGE })
}

export function goToStaffHome(): void {
  void Taro.reLaunch({ url: STAFF_HOME_PAGE })
}

export async function fetchStaffMe(): Promise<StaffProfile> {
  const profile = await staffRequest('/api/staff/me', { schema: staffProfile })
  cacheProfile(profile)
  return profile
}

// ---- points for a purchase ----

/**
 * The server's reversal result omits `breakdown` (the reversal ledger entry has none) instead of
 * sending null, which the shared contract rejects; default it so a successful undo is not shown as
 * 服务返回异常. Everything else is checked as usual.
 */
const purchaseResponse: Schema<PurchaseResult> = {
  parse(data: unknown) {
    if (!data || typeof data !== 'object') return purchaseResult.parse(data)
    const body = data as Record<string, unknown>
    return purchaseResult.parse({ ...body, breakdown: body.breakdown ?? null })
  },
}

export interface ResolvedMemberCode {
  member: ScannedMember
  scanToken: string
}

/** shared has no schema for the resolve envelope; compose it from the member and token parts. */
const resolvedMemberCode: Schema<ResolvedMemberCode> = {
  parse(data: unknown) {
    const body = data as { member?: unknown; scanToken?: unknown } | null
    return { member: scannedMember.parse(body?.member), scanToken: scanToken.parse(body?.scanToken) }
  },
}

export function resolveMemberCode(code: string): Promise<ResolvedMemberCode> {
  return post('/api/staff/member-code/resolve', { code }, resolvedMemberCode)
}

export interface AwardInput {
  scanToken: string
  receiptNo: string
  amountFen: number
}

/** The key makes a retried confirm replay the first result instead of posting twice. */
export function awardPurchase(input: AwardInput, idempotencyKey: string): Promise<PurchaseResult> {
  return post('/api/staff/purchases', input, purchaseResponse, { 'Idempotency-Key': idempotencyKey })
}

export function reversePurchase(receiptNo: string): Promise<PurchaseResult> {
  return post(`/api/staff/purchases/${encodeURIComponent(receiptNo)}/reverse`, { reason: 'undo' }, purchaseResponse)
}

export function decidePurchase(receiptNo: string, approve: boolean): Promise<PurchaseResult> {
  return post(`/api/staff/purchases/${encodeURIComponent(receiptNo)}/decision`, { approve }, purchaseResponse)
}

// ---- coupons ----

export function previewCoupon(code: string): Promise<ScannedCoupon> {
  return post('/api/staff/coupons/preview', { code }, scannedCoupon)
}

export function redeemCoupon(code: string): Promise<MemberCoupon> {
  return post('/api/staff/coupons/redeem', { code }, memberCoupon)
}

/** couponIds look like "123456#7": the '#' must be escaped in the path. */
export function undoCoupon(couponId: string): Promise<MemberCoupon> {
  return post(`/api/staff/coupons/${encodeURIComponent(couponId)}/undo`, {}, memberCoupon)
}

// ---- workspace lists ----

const operationList = itemsOf(staffOperation)
const purchaseList = itemsOf(purchaseResponse)

export async function fetchTodayOperations(): Promise<StaffOperation[]> {
  return (await staffRequest('/api/staff/operations/today', { schema: operationList })).items
}

export async function fetchPendingApprovals(): Promise<PurchaseResult[]> {
  return (await staffRequest('/api/staff/purchases/pending', { schema: purchaseList })).items
}

/** The store's whole-day takings (members and non-members), for the member share of sales. */
export function reportStoreSales(day: string, totalSalesFen: number, receipts: number): Promise<unknown> {
  return staffRequest('/api/staff/store/sales', { method: 'PUT', data: { day, totalSalesFen, receipts } })
}

export function fetchStoreDaily(day?: string): Promise<StoreDaySummary> {
  return staffRequest(`/api/staff/store/daily${day ? `?day=${day}` : ''}`, { schema: storeDaySummary })
}
