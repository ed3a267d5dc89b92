import type { CouponTemplateInput } from '@mall/shared'
import { bearer, type TestApi } from './api-harness'

export function templateInput(over: Partial<CouponTemplateInput> = {}): CouponTemplateInput {
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
    claimStart: new Date(Date.now() - day).toISOString(),
    claimEnd: new Date(Date.now() + 30 * day).toISOString(),
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
  const res = await api.http.post('/api/ops/coupon-templates').set(bearer(operatorToken)).send(templateInput(over))
  if (res.status !== 201) throw new Error(`create template: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body._id
}

export function claim(api: TestApi, memberToken: string, templateId: string, idempotencyKey?: string) {
  const req = api.http.post(`/api/coupons/${templateId}/claim`).set(bearer(memberToken))
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey)
  return req.send()
}
