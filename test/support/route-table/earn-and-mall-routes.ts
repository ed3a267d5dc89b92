/** Earn channels (WeChat Pay 智慧商圈, receipt photos, 积分补登) and the points mall. */
import { DEFAULT_RECEIPT_PHOTO_RULES } from '@mall/shared'
import { PNG_1X1_DATA_URL } from '../feedback-helpers'
import type { RouteCase } from '../route-table'
import { MEMBER, GIFT_BODY } from './bodies'

export const EARN_AND_MALL_ROUTES: RouteCase[] = [
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
