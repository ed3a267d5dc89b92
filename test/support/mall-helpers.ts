import { shanghaiMonth, type GiftInput, type MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from './api-harness'

export function giftInput(over: Partial<GiftInput> = {}): GiftInput {
  return {
    name: '星巴克中杯咖啡',
    kind: 'voucher',
    category: '餐饮',
    description: '任意门店兑换中杯饮品一杯',
    imageIds: [],
    pricePoints: 100,
    cashFen: 0,
    stock: 10,
    perMemberLimit: 1,
    eligibleTiers: [],
    availableFrom: null,
    availableTo: null,
    sort: 0,
    fulfilment: ['pickup'],
    pickupDays: 7,
    refundOnExpiry: true,
    status: 'active',
    ...over,
  }
}

export async function createGift(api: TestApi, operator: string, over: Partial<GiftInput> = {}): Promise<string> {
  const res = await api.http.post('/api/ops/mall/gifts').set(bearer(operator)).send(giftInput(over))
  if (res.status !== 201) throw new Error(`create gift: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.giftId
}

/** Test setup: points straight into the member's ledger (the earning paths have their own tests). */
export async function givePoints(api: TestApi, member: MemberLoginResponse, points: number, key: string) {
  await api.ctx.services.ledger.post({
    memberId: member.member.memberId,
    eventKey: `test-points:${key}`,
    type: 'test',
    now: api.clock.now(),
    plan: () => ({ op: { kind: 'credit', points, earnedMonth: shanghaiMonth(api.clock.now()), expiryMonths: 24 } }),
  })
}

export function redeemGift(
  api: TestApi,
  member: MemberLoginResponse,
  giftId: string,
  body: Record<string, unknown> = { fulfilment: 'pickup' },
) {
  return api.http.post(`/api/mall/gifts/${giftId}/redeem`).set(bearer(member.accessToken)).send(body)
}

export async function pickupCode(api: TestApi, member: MemberLoginResponse, redemptionId: string): Promise<string> {
  const res = await api.http.get(`/api/me/mall/redemptions/${redemptionId}/pickup-code`).set(bearer(member.accessToken))
  if (res.status !== 200) throw new Error(`pickup code: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.code
}

export const balance = async (api: TestApi, member: MemberLoginResponse): Promise<number> =>
  (await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body.balance
