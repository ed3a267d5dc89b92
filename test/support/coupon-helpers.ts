import type { CouponTemplateInput } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'

/** A template open for claims from a day before `now` (the test clock's, when a test sets one) for 30 days. */
export function templateInput(over: Partial<CouponTemplateInput> = {}, now = new Date()): CouponTemplateInput {
  const day = 86400_000
  return {
    name: '满200减30',
    type: 'cash_off',
    thresholdFen: 200_00,
    valueFen: 30_00,
    discountPermille: 0,
    maxDiscountFen: 0,
    giftName: '',
    parkingHours: 0,
    stock: 100,
    perMemberLimit: 1,
    claimStart: new Date(now.getTime() - day).toISOString(),
    claimEnd: new Date(now.getTime() + 30 * day).toISOString(),
    validity: { kind: 'relative', days: 7 },
    eligibleTiers: [],
    storeIds: [],
    pricePoints: 0,
    fundedBy: 'mall',
    ...over,
  }
}

export async function createTemplate(
  api: TestApi,
  operatorToken: string,
  over: Partial<CouponTemplateInput> = {},
): Promise<string> {
  const res = await api.http
    .post('/api/ops/coupon-templates')
    .set(bearer(operatorToken))
    .send(templateInput(over, api.clock.now()))
  if (res.status !== 201) throw new Error(`create template: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body._id
}

export function claim(api: TestApi, memberToken: string, templateId: string, idempotencyKey?: string) {
  const req = api.http.post(`/api/coupons/${templateId}/claim`).set(bearer(memberToken))
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey)
  return req.send()
}

/** The coupon tests' mall: stores S1 and S2, an operator, two clerks at S1 and one at S2. */
export interface CouponMall {
  api: TestApi
  operator: string
  clerkS1: string
  clerkS1b: string
  clerkS2: string
}

export async function startCouponMall(): Promise<CouponMall> {
  const api = await startTestApi()
  await api.addStore('S1')
  await api.addStore('S2')
  return {
    api,
    operator: (await api.loginStaff('op-c', 'operator', null)).accessToken,
    clerkS1: (await api.loginStaff('clerk-c1', 'clerk', 'S1')).accessToken,
    clerkS1b: (await api.loginStaff('clerk-c1b', 'clerk', 'S1')).accessToken,
    clerkS2: (await api.loginStaff('clerk-c2', 'clerk', 'S2')).accessToken,
  }
}

/** The member's coupons on one tab of 我的券 (unused, used, expired). */
export const myCoupons = async (api: TestApi, token: string, status = 'unused') =>
  (await api.http.get(`/api/me/coupons?status=${status}`).set(bearer(token))).body.items as {
    couponId: string
    templateId: string
  }[]
