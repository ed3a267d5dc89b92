/**
 * Every API route, with a request that a permitted caller could send, and who may call it.
 * The authorization matrix and the fuzzer are both generated from this one table.
 */
import { DEFAULT_RECEIPT_PHOTO_RULES, PRIVACY_GUIDE_VERSION } from '@mall/shared'
import { PNG_1X1_DATA_URL } from './feedback-helpers'

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

const MEMBER: Principal[] = ['memberA', 'memberB']
/** A pickup gift (the points mall) as the console creates it. */
export const GIFT_BODY = {
  name: '矩阵礼品',
  kind: 'voucher',
  category: '餐饮',
  description: '',
  imageIds: [],
  pricePoints: 10,
  cashFen: 0,
  stock: 100,
  perMemberLimit: 50,
  eligibleTiers: [],
  availableFrom: null,
  availableTo: null,
  sort: 0,
  fulfilment: ['pickup'],
  pickupDays: 14,
  refundOnExpiry: true,
  status: 'active',
}
const POINTS_CAMPAIGN_BODY = {
  id: 'fri',
  name: '周五双倍',
  multiplierPermille: 2000,
  when: { kind: 'weekday', value: 5 },
  storeIds: [],
  budgetPoints: 1000,
  budgetPeriod: 'month',
}
const CAMPAIGN_BODY = {
  name: '矩阵生日礼',
  kind: 'birthday_gift',
  segmentId: null,
  reward: { points: 10, couponTemplateId: null },
  budget: { maxGrants: 5 },
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2027-01-01T00:00:00.000Z',
}
/** Store AX's configuration as api.addStore writes it. */
const STORE_AX = {
  name: 'Store AX',
  floor: 'L1',
  category: '零售',
  multiplierPermille: 1000,
  opensAt: '00:00',
  closesAt: '23:59',
  active: true,
}
const LOTTERY_PRIZES = [
  { id: 'p10', name: '10积分', kind: 'points', points: 10, couponTemplateId: null, stock: 5, probabilityPpm: 100_000 },
  {
    id: 'thanks',
    name: '谢谢参与',
    kind: 'none',
    points: 0,
    couponTemplateId: null,
    stock: null,
    probabilityPpm: 900_000,
  },
]
const LOTTERY_BODY = {
  name: '矩阵抽奖',
  costPoints: 10,
  dailyLimit: 3,
  budgetPoints: 1000,
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2027-01-01T00:00:00.000Z',
  prizes: LOTTERY_PRIZES,
  consolationPrizeId: 'thanks',
}
const ALL_STAFF: Principal[] = ['clerkX', 'clerkY', 'managerX', 'operator']
const enc = encodeURIComponent
const randomKey = (prefix: string) => ({ 'Idempotency-Key': `${prefix}-${Math.random().toString(36).slice(2)}` })

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
  { method: 'GET', path: () => '/api/me/card', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/member-code', allow: MEMBER },
  { method: 'POST', path: () => '/api/me/phone', body: (f) => ({ code: f.phoneCode() }), allow: MEMBER, write: true },
  // 隐私: consent to the guide, 我的数据, unbinding the phone (member A has none bound: 409, still allowed)
  { method: 'POST', path: () => '/api/me/phone/unbind', body: () => ({ confirm: true }), allow: MEMBER, write: true },
  { method: 'GET', path: () => '/api/me/privacy/consent', allow: MEMBER },
  {
    method: 'POST',
    path: () => '/api/me/privacy/consent',
    body: () => ({ version: PRIVACY_GUIDE_VERSION }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/data-export', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/wallet', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/wallet/entries?limit=5', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/tier', allow: MEMBER },
  { method: 'GET', path: () => '/api/coupons', allow: MEMBER },
  { method: 'POST', path: (f) => `/api/coupons/${f.templateId}/claim`, body: () => ({}), allow: MEMBER, write: true },
  { method: 'GET', path: () => '/api/me/coupons?status=unused', allow: MEMBER },
  // Object-level: only the owner; member B gets 404, as for a coupon that does not exist.
  { method: 'GET', path: (f) => `/api/me/coupons/${enc(f.couponIdA)}/code`, allow: ['memberA'] },
  { method: 'POST', path: () => '/api/me/checkin', body: () => ({}), allow: MEMBER, write: true },
  { method: 'GET', path: () => '/api/me/checkin', allow: MEMBER },
  {
    method: 'POST',
    path: () => '/api/me/checkin/makeup',
    body: () => ({ day: '2026-01-01' }),
    allow: MEMBER,
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/me/checkin/makeup-cards',
    body: () => ({}),
    headers: () => ({ 'Idempotency-Key': `mk-${Math.random().toString(36).slice(2)}` }),
    allow: MEMBER,
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/me/checkin/reminder',
    body: () => ({ subscribe: true }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/invites', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/invites/wxacode', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/notifications', allow: MEMBER },
  {
    method: 'POST',
    path: () => '/api/me/notifications/subscriptions',
    body: () => ({ templateIds: ['points-earned-dev'] }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/staff/me', allow: ALL_STAFF },
  {
    method: 'POST',
    path: () => '/api/staff/member-code/resolve',
    body: async (f) => ({ code: await f.memberCodeA() }),
    allow: ALL_STAFF,
    write: true,
  },
  // Store scope: the scan token was issued to clerk X at store X.
  {
    method: 'POST',
    path: () => '/api/staff/purchases',
    body: async (f) => ({ scanToken: await f.scanTokenX(), receiptNo: `M-${Date.now()}`, amountFen: 1000 }),
    allow: ['clerkX'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/staff/purchases/${f.receiptX}/reverse`,
    body: () => ({ storeId: 'AX', reason: 'undo' }),
    allow: ['clerkX', 'managerX', 'operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/staff/purchases/${f.receiptX}/decision`,
    body: () => ({ storeId: 'AX', approve: true }),
    allow: ['managerX', 'operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/points/redeem',
    body: async (f) => ({ scanToken: await f.scanTokenX(), points: 1, item: '矩阵测试' }),
    headers: () => ({ 'Idempotency-Key': `matrix-${Math.random().toString(36).slice(2)}` }),
    allow: ['clerkX'],
    write: true,
  },
  { method: 'GET', path: () => '/api/staff/operations/today', allow: ['clerkX', 'clerkY', 'managerX'] },
  { method: 'GET', path: () => '/api/staff/purchases/pending?storeId=AX', allow: ['managerX', 'operator'] },
  { method: 'GET', path: () => '/api/staff/store/daily?storeId=AX', allow: ['managerX', 'operator'] },
  {
    method: 'PUT',
    path: () => '/api/staff/store/sales',
    body: () => ({
      day: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
      storeId: 'AX',
      totalSalesFen: 1_000_000_00,
      receipts: 100_000,
    }),
    allow: ['managerX', 'operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/coupons/preview',
    body: async (f) => ({ code: await f.couponCodeA() }),
    allow: ALL_STAFF,
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/coupons/redeem',
    body: async (f) => ({ code: await f.couponCodeA() }),
    allow: ['clerkX', 'clerkY', 'managerX'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/staff/coupons/${enc(f.couponIdA)}/undo`,
    body: () => ({}),
    allow: ['clerkX', 'clerkY', 'managerX', 'operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/coupon-templates',
    body: () => ({ name: 'x' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/ops/coupon-templates/${f.templateId}/status`,
    body: () => ({ status: 'active' }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/audit', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/kpis?from=2026-01-01&to=2026-01-31', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/rules', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/rules/history', allow: ['operator'] },
  {
    method: 'PUT',
    path: () => '/api/ops/rules',
    body: () => ({
      section: 'referral',
      value: { inviteePoints: 50, inviterPoints: 200, inviterDailyCap: 5, inviterMonthlyCap: 20 },
    }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/coupon-templates', allow: ['operator'] },
  { method: 'POST', path: () => '/api/ops/jobs/sweep-used-codes', body: () => ({}), allow: ['operator'], write: true },
  {
    method: 'POST',
    path: () => '/api/me/birthday',
    body: () => ({ birthday: '1990-05-20' }),
    allow: MEMBER,
    write: true,
  },
  // 注销账号: the status (banner), a request (pending only: nothing is erased before the cooling-off) and its
  // cancel (409 when nothing is pending, still allowed); the console's view of member A's
  { method: 'GET', path: () => '/api/me/account-deletion', allow: MEMBER },
  {
    method: 'POST',
    path: () => '/api/me/account-deletion',
    body: () => ({ confirm: true }),
    allow: MEMBER,
    write: true,
  },
  { method: 'POST', path: () => '/api/me/account-deletion/cancel', body: () => ({}), allow: MEMBER, write: true },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/account-deletion`, allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/campaigns', allow: ['operator'] },
  { method: 'POST', path: () => '/api/ops/campaigns', body: () => CAMPAIGN_BODY, allow: ['operator'], write: true },
  {
    method: 'POST',
    path: () => '/api/ops/campaigns/simulate',
    body: () => CAMPAIGN_BODY,
    allow: ['operator'],
    write: true,
  },
  // A campaign id that does not exist: the operator gets 404, everybody else is refused before the lookup.
  {
    method: 'POST',
    path: () => '/api/ops/campaigns/c00000000/simulate',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/campaigns/c00000000/activate',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/campaigns/c00000000/kill',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/campaigns/c00000000/run',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/campaigns/c00000000/grants', allow: ['operator'] },
  // Points lottery: a lottery id that does not exist (404 for those allowed, refused before the lookup otherwise).
  { method: 'GET', path: () => '/api/lotteries', allow: MEMBER },
  { method: 'POST', path: () => '/api/lotteries/l00000000/draw', body: () => ({}), allow: MEMBER, write: true },
  { method: 'GET', path: () => '/api/me/lottery-draws', allow: MEMBER },
  { method: 'GET', path: () => '/api/ops/lotteries', allow: ['operator'] },
  { method: 'POST', path: () => '/api/ops/lotteries', body: () => LOTTERY_BODY, allow: ['operator'], write: true },
  { method: 'GET', path: () => '/api/ops/lotteries/l00000000', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/lotteries/l00000000/versions',
    body: () => ({ prizes: LOTTERY_PRIZES, consolationPrizeId: 'thanks', effectiveFrom: '2026-06-01T00:00:00.000Z' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/lotteries/l00000000/activate',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/lotteries/l00000000/kill',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/lotteries/l00000000/draws', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/lotteries/l00000000/report', allow: ['operator'] },
  // Double-points days / member day: the default rules' member day.
  { method: 'GET', path: () => '/api/ops/points-campaigns', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/points-campaigns/simulate',
    body: () => ({ campaign: POINTS_CAMPAIGN_BODY }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/points-campaigns/member-day/simulate',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/points-campaigns/member-day/kill',
    body: () => ({ note: '矩阵' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/points-campaigns/member-day/resume',
    body: () => ({ note: '' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/me/feedback',
    body: () => ({ category: 'service', text: '矩阵测试', photo: PNG_1X1_DATA_URL }),
    headers: () => randomKey('fb'),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/feedback', allow: MEMBER },
  // Object-level: only the owner; member B gets 404, as for a ticket that does not exist.
  { method: 'GET', path: (f) => `/api/me/feedback/${f.feedbackIdA}`, allow: ['memberA'] },
  { method: 'GET', path: (f) => `/api/me/feedback/${f.feedbackIdA}/photo`, allow: ['memberA'] },
  {
    method: 'POST',
    path: (f) => `/api/me/feedback/${f.feedbackIdA}/follow-up`,
    body: () => ({ text: '补充说明' }),
    allow: ['memberA'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/feedback?status=open', allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/feedback/${f.feedbackIdA}`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/feedback/${f.feedbackIdA}/photo`, allow: ['operator'] },
  {
    method: 'POST',
    path: (f) => `/api/ops/feedback/${f.feedbackIdA}/assign`,
    body: () => ({ assignee: '客服中心' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/ops/feedback/${f.feedbackIdA}/reply`,
    body: () => ({ text: '已收到，正在处理' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/ops/feedback/${f.feedbackIdA}/close`,
    body: () => ({ resolution: '已处理' }),
    allow: ['operator'],
    write: true,
  },
  // Operator console: members and segments (insight module)
  { method: 'GET', path: () => '/api/ops/members?q=1&page=1&pageSize=5', allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/ledger?limit=5`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/coupons`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/checkins`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/referrals`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/feedback`, allow: ['operator'] },
  {
    method: 'POST',
    path: (f) => `/api/ops/members/${f.memberIdA}/tags`,
    body: () => ({ add: ['矩阵'] }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/segments', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/segments/history', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/segments/preview',
    body: () => ({ definition: { lifecycles: ['new'], rfm: { r: { min: 3 } } } }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/segments',
    body: () => ({ name: '矩阵新建', definition: { tagsAny: ['矩阵'] } }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: (f) => `/api/ops/segments/${f.segmentId}`, allow: ['operator'] },
  // the same content as version 1: the operator's save is a no-op 200, nothing else changes it
  {
    method: 'PUT',
    path: (f) => `/api/ops/segments/${f.segmentId}`,
    body: () => ({ name: '矩阵分群', definition: { churnRisk: false }, version: 1 }),
    allow: ['operator'],
    write: true,
  },
  // a version that does not exist: the operator gets 409, the segment stays
  {
    method: 'POST',
    path: (f) => `/api/ops/segments/${f.segmentId}/delete`,
    body: () => ({ version: 99 }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: (f) => `/api/ops/segments/${f.segmentId}/members`, allow: ['operator'] },
  // Personal data past the masks (personal-data module): one field in clear with a reason, a segment's export
  {
    method: 'POST',
    path: (f) => `/api/ops/members/${f.memberIdA}/reveal`,
    body: () => ({ field: 'phone', reason: '矩阵核实身份' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/ops/segments/${f.segmentId}/export`,
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  // member A's redemption is a pickup, without an address: the operator gets 404 (the API test reveals one)
  {
    method: 'POST',
    path: (f) => `/api/ops/mall/redemptions/${f.giftRedemptionA ?? ':id'}/reveal-address`,
    body: () => ({ reason: '矩阵核对收货地址' }),
    allow: ['operator'],
    write: true,
  },
  // Operator console: stores, staff accounts and coupon templates with history (config routes)
  { method: 'GET', path: () => '/api/ops/stores', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/stores',
    body: () => ({ id: 'MNEW', ...STORE_AX, name: '矩阵新店' }),
    allow: ['operator'],
    write: true,
  },
  // the content store AX already has, seen at version 0: a no-op 200 that records nothing
  {
    method: 'PUT',
    path: (f) => `/api/ops/stores/${f.storeIdX}`,
    body: () => ({ ...STORE_AX, version: 0 }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: (f) => `/api/ops/stores/${f.storeIdX}/history`, allow: ['operator'] },
  // the member app's home page and its editor (one versioned document; an edit from version 99 is a 409)
  { method: 'GET', path: () => '/api/home', allow: MEMBER },
  { method: 'GET', path: () => '/api/ops/home-content', allow: ['operator'] },
  {
    method: 'PUT',
    path: () => '/api/ops/home-content',
    body: () => ({
      banners: [{ id: 'b1', title: '周末双倍积分', subtitle: '', imageUrl: '', link: '/pages/coupons/index' }],
      announcements: [{ id: 'a1', title: '停车场改造', body: '', publishedOn: '2026-11-20' }],
      events: [
        { id: 'e1', title: '圣诞集市', place: '1F 中庭', summary: '', startsOn: '2026-12-20', endsOn: '2026-12-25' },
      ],
      version: 99,
    }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/home-content/history', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/staff', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/staff',
    body: () => ({
      username: 'matrix-new',
      displayName: '矩阵新员工',
      role: 'clerk',
      storeId: 'AX',
      password: 'matrix password 1',
    }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'PUT',
    path: (f) => `/api/ops/staff/${f.staffIdManagerX}`,
    body: (f) => ({ displayName: f.staffIdManagerX, role: 'manager', storeId: 'AX', active: true, version: 0 }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: (f) => `/api/ops/staff/${f.staffIdManagerX}/history`, allow: ['operator'] },
  { method: 'GET', path: (f) => `/api/ops/coupon-templates/${f.templateId}/history`, allow: ['operator'] },
  // the console's template list (counts) and an edit of name, claim end and a raised stock
  { method: 'GET', path: () => '/api/ops/coupon-templates/overview', allow: ['operator'] },
  // a member's status, points adjustments (maker-checker) and freezes; the request queue and its decisions
  { method: 'GET', path: (f) => `/api/ops/members/${f.memberIdA}/status`, allow: ['operator'] },
  {
    method: 'POST',
    path: (f) => `/api/ops/members/${f.memberIdA}/points-adjustments`,
    body: () => ({ points: 1, reason: '矩阵调整' }),
    allow: ['operator'],
    write: true,
  },
  // freezing member A would refuse the member routes after it: a member nobody has (404 for operators)
  {
    method: 'POST',
    path: () => '/api/ops/members/no-such-member/freeze',
    body: () => ({ reason: '矩阵冻结' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/members/no-such-member/unfreeze',
    body: () => ({ reason: '矩阵解冻' }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/member-requests?state=pending', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/member-requests/00000000-0000-4000-8000-000000000000/approve',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/ops/member-requests/00000000-0000-4000-8000-000000000000/reject',
    body: () => ({ reason: '矩阵驳回' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'PUT',
    path: (f) => `/api/ops/coupon-templates/${f.templateId}`,
    body: () => ({ name: '矩阵改名', claimEnd: '2099-01-01T00:00:00.000Z', stock: null, version: 0 }),
    allow: ['operator'],
    write: true,
  },
  // WeChat Pay 智慧商圈: a member's pay-to-earn status, the operator's queue and merchant → store mapping
  { method: 'GET', path: () => '/api/me/wechat-pay', allow: MEMBER },
  { method: 'GET', path: () => '/api/ops/wechat-pay/unmapped', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/wechat-pay/syncs', allow: ['operator'] },
  // a transaction nobody queued: the operator gets 404
  {
    method: 'POST',
    path: () => '/api/ops/wechat-pay/unmapped/4200000000000000000/retry',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'PUT',
    path: () => '/api/ops/wechat-pay/merchants/1900000102',
    body: () => ({ storeId: 'AX' }),
    allow: ['operator'],
    write: true,
  }, // 积分补登: members file and read their claims; the service desk (staff of store DESK) and operators decide
  {
    method: 'POST',
    path: () => '/api/me/points-claims',
    body: () => ({
      storeId: 'AX',
      purchasedAt: new Date(Date.now() - 3600_000).toISOString(),
      amountFen: 100_00,
      receiptNo: 'CLAIM-1',
    }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/points-claims', allow: MEMBER },
  { method: 'GET', path: () => '/api/desk/points-claims', allow: ['operator'] },
  // a claim nobody filed: the operator gets 404
  {
    method: 'POST',
    path: () => '/api/desk/points-claims/no-such-claim/approve',
    body: () => ({ amountFen: 100_00 }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/desk/points-claims/no-such-claim/reject',
    body: () => ({ reason: 'no_purchase_found' }),
    allow: ['operator'],
    write: true,
  },
  // the console's earn channels: merchant list, a sync sent now (404 for one nobody owes), the channel mix
  { method: 'GET', path: () => '/api/ops/wechat-pay/merchants', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/wechat-pay/syncs/4200000000000000000/retry',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/channel-mix?from=2026-01-01&to=2026-01-31', allow: ['operator'] },
  // 积分商城: the catalogue, member A's pickup redemption (object-level: member B gets 404), the desk's pickup
  // (the first desk caller hands it over, the next are told it was), the console's gifts, images and queue.
  { method: 'GET', path: () => '/api/mall/gifts', allow: MEMBER },
  { method: 'GET', path: (f) => `/api/mall/gifts/${f.giftId ?? ':giftId'}`, allow: MEMBER },
  {
    method: 'POST',
    path: (f) => `/api/mall/gifts/${f.giftId ?? ':giftId'}/redeem`,
    body: () => ({ fulfilment: 'pickup' }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/mall/redemptions', allow: MEMBER },
  { method: 'GET', path: (f) => `/api/me/mall/redemptions/${f.giftRedemptionA ?? ':id'}`, allow: ['memberA'] },
  {
    method: 'GET',
    path: (f) => `/api/me/mall/redemptions/${f.giftRedemptionA ?? ':id'}/pickup-code`,
    allow: ['memberA'],
  },
  {
    method: 'POST',
    path: () => '/api/staff/mall/pickups/preview',
    body: async (f) => ({ code: await f.pickupCodeA() }),
    allow: ['clerkX', 'clerkY', 'managerX'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/mall/pickups',
    body: async (f) => ({ code: await f.pickupCodeA() }),
    allow: ['clerkX', 'clerkY', 'managerX'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/me/mall/redemptions/${f.giftRedemptionA ?? ':id'}/cancel`,
    body: () => ({}),
    allow: ['memberA'],
    write: true,
  },
  { method: 'GET', path: () => '/api/me/addresses', allow: MEMBER },
  {
    method: 'POST',
    path: () => '/api/me/addresses',
    body: () => ({ name: '矩阵', phone: '13800138000', region: '上海市', detail: '矩阵路 1 号' }),
    allow: MEMBER,
    write: true,
  },
  // an address number nobody has: 404 for members (':addressId' when the matrix lists the table's routes)
  {
    method: 'POST',
    path: (f) => `/api/me/addresses/${f.giftId ? 'a999' : ':addressId'}/delete`,
    body: () => ({}),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/mall/gifts', allow: ['operator'] },
  { method: 'POST', path: () => '/api/ops/mall/gifts', body: () => GIFT_BODY, allow: ['operator'], write: true },
  {
    method: 'PUT',
    path: (f) => `/api/ops/mall/gifts/${f.giftId ?? ':id'}`,
    body: () => ({ ...GIFT_BODY, version: 1, note: '' }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: (f) => `/api/ops/mall/gifts/${f.giftId ?? ':id'}/history`, allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/ops/mall/images',
    body: () => ({ dataUrl: PNG_1X1_DATA_URL }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/mall/redemptions?status=pending_shipment', allow: ['operator'] },
  // member A's redemption is a pickup: the operator is told it cannot be shipped
  {
    method: 'POST',
    path: (f) => `/api/ops/mall/redemptions/${f.giftRedemptionA ?? ':id'}/ship`,
    body: () => ({ carrier: '顺丰', trackingNo: 'SF0000' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: (f) => `/api/ops/mall/redemptions/${f.giftRedemptionA ?? ':id'}/cancel`,
    body: () => ({ note: '矩阵取消' }),
    allow: ['operator'],
    write: true,
  },
  // 小票积分: members upload and submit receipt photos; the service desk (no store, or store DESK) and operators
  // review them (a receipt nobody submitted: 404); operators set the rules and read the SLA
  {
    method: 'POST',
    path: () => '/api/me/receipt-photos/uploads',
    body: () => ({ photo: PNG_1X1_DATA_URL }),
    allow: MEMBER,
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/me/receipt-photos',
    body: () => ({
      photoId: 'nosuchphoto',
      storeId: 'AX',
      amountFen: 5650,
      receiptNo: 'RP-MATRIX-1',
      purchasedAt: '2026-01-01T10:00:00+08:00',
    }),
    headers: () => ({ 'Idempotency-Key': `rp-${Math.random().toString(36).slice(2)}` }),
    allow: MEMBER,
    write: true,
  },
  { method: 'GET', path: () => '/api/me/receipt-photos', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/receipt-photos/stores', allow: MEMBER },
  { method: 'GET', path: () => '/api/me/receipt-photos/AX:NOSUCH1/photo', allow: MEMBER },
  { method: 'GET', path: () => '/api/staff/receipt-photos', allow: ['operator'] },
  { method: 'GET', path: () => '/api/staff/receipt-photos/AX:NOSUCH1', allow: ['operator'] },
  { method: 'GET', path: () => '/api/staff/receipt-photos/AX:NOSUCH1/photo', allow: ['operator'] },
  {
    method: 'POST',
    path: () => '/api/staff/receipt-photos/AX:NOSUCH1/approve',
    body: () => ({ amountFen: 5000, note: '按小票实付' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/receipt-photos/AX:NOSUCH1/reject',
    body: () => ({ reason: 'unreadable' }),
    allow: ['operator'],
    write: true,
  },
  {
    method: 'POST',
    path: () => '/api/staff/receipt-photos/AX:NOSUCH1/undo',
    body: () => ({}),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/receipt-photos/rules', allow: ['operator'] },
  // the defaults as they are: a change that changes nothing records no version
  {
    method: 'PUT',
    path: () => '/api/ops/receipt-photos/rules',
    body: () => ({ ...DEFAULT_RECEIPT_PHOTO_RULES, version: 0, note: '矩阵' }),
    allow: ['operator'],
    write: true,
  },
  { method: 'GET', path: () => '/api/ops/receipt-photos/rules/history', allow: ['operator'] },
  { method: 'GET', path: () => '/api/ops/receipt-photos/sla?from=2026-01-01&to=2026-01-31', allow: ['operator'] },
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
