/** Request bodies and principal lists the route table's parts share. */
import type { Principal } from '../route-table'
import { TEST_STORE_FIELDS } from '../api-harness'

export const MEMBER: Principal[] = ['memberA', 'memberB']
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
export const POINTS_CAMPAIGN_BODY = {
  id: 'fri',
  name: '周五双倍',
  multiplierPermille: 2000,
  when: { kind: 'weekday', value: 5 },
  storeIds: [],
  budgetPoints: 1000,
  budgetPeriod: 'month',
}
export const CAMPAIGN_BODY = {
  name: '矩阵生日礼',
  kind: 'birthday_gift',
  segmentId: null,
  reward: { points: 10, couponTemplateId: null },
  budget: { maxGrants: 5 },
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2099-01-01T00:00:00.000Z',
}
/** Store AX's configuration as api.addStore writes it. */
export const STORE_AX = { name: 'Store AX', ...TEST_STORE_FIELDS }
export const LOTTERY_PRIZES = [
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
export const LOTTERY_BODY = {
  name: '矩阵抽奖',
  costPoints: 10,
  dailyLimit: 3,
  budgetPoints: 1000,
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2099-01-01T00:00:00.000Z',
  prizes: LOTTERY_PRIZES,
  consolationPrizeId: 'thanks',
}
export const ALL_STAFF: Principal[] = ['clerkX', 'clerkY', 'managerX', 'operator']
export const enc = encodeURIComponent
export const randomKey = (prefix: string) => ({ 'Idempotency-Key': `${prefix}-${Math.random().toString(36).slice(2)}` })
