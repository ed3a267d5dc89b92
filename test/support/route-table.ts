/**
 * Every API route, with a request that a permitted caller could send, and who may call it.
 * The authorization matrix and the fuzzer are both generated from this one table.
 */
import { MEMBER_AND_STAFF_ROUTES } from './route-table/member-and-staff-routes'
import { ENGAGEMENT_ROUTES } from './route-table/engagement-routes'
import { CONSOLE_ROUTES } from './route-table/console-routes'
import { EARN_AND_MALL_ROUTES } from './route-table/earn-and-mall-routes'

export { GIFT_BODY } from './route-table/bodies'

export type Principal = 'anonymous' | 'memberA' | 'memberB' | 'clerkX' | 'clerkY' | 'managerX' | 'operator'
export const PRINCIPALS: Principal[] = ['anonymous', 'memberA', 'memberB', 'clerkX', 'clerkY', 'managerX', 'operator']

export interface Fixtures {
  phoneCode: () => string
  templateId: string
  couponIdA: string
  couponCodeA: () => Promise<string>
  memberCodeA: () => Promise<string>
  scanTokenX: () => Promise<string>
  receiptX: string
  /** member A's feedback ticket (with a photo) */
  feedbackIdA: string
  /** member A's member number (the operator console's member pages) */
  memberIdA: string
  /** a saved segment at version 1: { name: '矩阵分群', definition: { churnRisk: false } } */
  segmentId: string
  /** store AX (as api.addStore made it) and manager X's account, for the console's config routes */
  storeIdX: string
  staffIdManagerX: string
  /** a points-mall gift (pickup, price 10) and member A's redemption of it, with its rotating pickup code */
  giftId: string
  giftRedemptionA: string
  pickupCodeA: () => Promise<string>
}

export interface RouteCase {
  method: 'GET' | 'POST' | 'PUT'
  path: (f: Fixtures) => string
  body?: (f: Fixtures) => Promise<Record<string, unknown>> | Record<string, unknown>
  headers?: () => Record<string, string>
  /** principals allowed; everybody else must get 401, 403 or 404 */
  allow: Principal[]
  /** writes that take a JSON body (the fuzzer targets these) */
  write?: boolean
}

/** A route's test name: its method and path with placeholder ids, the same in every run. */
export const caseName = (r: RouteCase): string =>
  `${r.method} ${r.path({
    templateId: 'T',
    couponIdA: 'C',
    receiptX: 'R',
    feedbackIdA: 'F',
    memberIdA: 'M',
    segmentId: 'S',
    storeIdX: 'AX',
    staffIdManagerX: 'matrix-manager-x',
  } as never)}`

export const ROUTES: RouteCase[] = [
  ...MEMBER_AND_STAFF_ROUTES,
  ...ENGAGEMENT_ROUTES,
  ...CONSOLE_ROUTES,
  ...EARN_AND_MALL_ROUTES,
]

/** Routes anyone may call (login and refresh); listed so the matrix can prove the table is complete. */
export const PUBLIC_ROUTES = [
  'GET /api/health',
  'POST /api/auth/wechat-login',
  'POST /api/auth/dev-login',
  'POST /api/auth/refresh',
  'POST /api/staff/auth/login',
  'POST /api/staff/auth/refresh',
  // an operator's second-factor enrolment: the password again, then a first code (test/api/operator-totp.test.ts)
  'POST /api/staff/auth/totp/start',
  'POST /api/staff/auth/totp/confirm',
  // WeChat Pay's callbacks: no caller token, every request signature-checked
  // (test/api/wechat-pay-notifications.test.ts)
  'POST /api/wechat-pay/notify/authorization',
  'POST /api/wechat-pay/notify/transaction',
  // gift pictures: catalogue content under unguessable ids (the mini-program's <Image> sends no token)
  'GET /api/mall/images/:imageId',
  'GET /api/mall/images/:imageId/thumb',
]
