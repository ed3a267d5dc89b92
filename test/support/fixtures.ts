import type { MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from './api-harness'
import { claim, createTemplate } from './coupon-helpers'
import { award, scan } from './points-helpers'
import { PNG_1X1_DATA_URL, submitFeedback } from './feedback-helpers'
import { createGift, redeemGift } from './mall-helpers'
import type { Fixtures, Principal } from './route-table'

export interface World {
  fixtures: Fixtures
  tokens: Record<Principal, string | null>
  memberA: MemberLoginResponse
}

/** Two stores, two members, one clerk per store, a manager and an operator, a coupon and a purchase. */
export async function buildWorld(api: TestApi): Promise<World> {
  await api.addStore('AX')
  await api.addStore('AY')
  const memberA = await api.loginMember('matrix-a')
  const memberB = await api.loginMember('matrix-b')
  const clerkX = (await api.loginStaff('matrix-clerk-x', 'clerk', 'AX')).accessToken
  const clerkY = (await api.loginStaff('matrix-clerk-y', 'clerk', 'AY')).accessToken
  const managerX = (await api.loginStaff('matrix-manager-x', 'manager', 'AX')).accessToken
  const operator = (await api.loginStaff('matrix-operator', 'operator', null)).accessToken
  const templateId = await createTemplate(api, operator, { stock: 1000, perMemberLimit: 50 })
  const couponIdA = (await claim(api, memberA.accessToken, templateId)).body.couponId as string
  await award(api, clerkX, { scanToken: await scan(api, memberA, clerkX), receiptNo: 'MX-1', amountFen: 500_00 })
  const feedbackIdA = (
    await submitFeedback(api, memberA.accessToken, {
      category: 'parking',
      text: '矩阵测试反馈',
      photo: PNG_1X1_DATA_URL,
    })
  ).body.ticketId as string

  const giftId = await createGift(api, operator, { pricePoints: 10, stock: 100, perMemberLimit: 50 })
  const giftRedemptionA = (await redeemGift(api, memberA, giftId)).body.redemptionId as string

  const segmentId = (
    await api.ctx.services.segments.create(
      { name: '矩阵分群', description: '', definition: { churnRisk: false }, note: '' },
      'matrix-operator',
      api.clock.now(),
    )
  ).id

  // Scans move the test clock 30 s each (one scan per code step); log in again so tokens stay fresh.
  const freshA = () => api.loginMember('matrix-a')
  let phones = 0
  const fixtures: Fixtures = {
    phoneCode: () => api.wechat.phoneCode(`1390000${String(++phones).padStart(4, '0')}`),
    templateId,
    couponIdA,
    receiptX: 'MX-1',
    feedbackIdA,
    memberIdA: memberA.member.memberId,
    segmentId,
    storeIdX: 'AX',
    staffIdManagerX: 'matrix-manager-x',
    giftId,
    giftRedemptionA,
    pickupCodeA: async () =>
      (
        await api.http
          .get(`/api/me/mall/redemptions/${giftRedemptionA}/pickup-code`)
          .set(bearer((await freshA()).accessToken))
      ).body.code ?? '3'.repeat(24),
    couponCodeA: async () =>
      (
        await api.http
          .get(`/api/me/coupons/${encodeURIComponent(couponIdA)}/code`)
          .set(bearer((await freshA()).accessToken))
      ).body.code ?? '2'.repeat(24),
    memberCodeA: async () => {
      api.clock.advance(30_000) // a fresh step, so every scan has an unused code
      return (await api.http.get('/api/me/member-code').set(bearer((await freshA()).accessToken))).body.code
    },
    scanTokenX: async () =>
      scan(api, await freshA(), (await api.loginStaff('matrix-clerk-x', 'clerk', 'AX')).accessToken),
  }
  return {
    fixtures,
    memberA,
    tokens: {
      anonymous: null,
      memberA: memberA.accessToken,
      memberB: memberB.accessToken,
      clerkX,
      clerkY,
      managerX,
      operator,
    },
  }
}
