/** The operator console: members, segments, personal data, stores, staff, home page, coupon templates. */
import type { RouteCase } from '../route-table'
import { MEMBER, STORE_AX } from './bodies'

export const CONSOLE_ROUTES: RouteCase[] = [
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
]
