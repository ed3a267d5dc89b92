import type { LotteryInput, LotteryPrizeInput, MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from './api-harness'

const day = 86400_000

/** The consolation prize every test lottery has (its probability set per lottery). */
export const THANKS: LotteryPrizeInput = {
  id: 'thanks',
  name: '谢谢参与',
  kind: 'none',
  points: 0,
  couponTemplateId: null,
  giftId: null,
  stock: null,
  probabilityPpm: 0,
}

/** A lottery with four prizes (one with a stock), open from yesterday for 30 days. */
export function demoLottery(now = Date.now()): LotteryInput {
  return {
    name: '周末幸运九宫格',
    costPoints: 20,
    dailyLimit: 50,
    budgetPoints: 100_000,
    startsAt: new Date(now - day).toISOString(),
    endsAt: new Date(now + 30 * day).toISOString(),
    prizes: [
      {
        id: 'p88',
        name: '88积分',
        kind: 'points',
        points: 88,
        couponTemplateId: null,
        giftId: null,
        stock: 500,
        probabilityPpm: 200_000,
      },
      {
        id: 'p10',
        name: '10积分',
        kind: 'points',
        points: 10,
        couponTemplateId: null,
        giftId: null,
        stock: null,
        probabilityPpm: 300_000,
      },
      {
        id: 'p5',
        name: '5积分',
        kind: 'points',
        points: 5,
        couponTemplateId: null,
        giftId: null,
        stock: null,
        probabilityPpm: 100_000,
      },
      { ...THANKS, probabilityPpm: 400_000 },
    ],
    consolationPrizeId: 'thanks',
  }
}

/** Creates and activates a lottery; returns its id. */
export async function liveLottery(api: TestApi, operatorToken: string, input: LotteryInput): Promise<string> {
  const created = await api.http.post('/api/ops/lotteries').set(bearer(operatorToken)).send(input)
  if (created.status !== 201) throw new Error(`create lottery: ${created.status} ${JSON.stringify(created.body)}`)
  const activated = await api.http
    .post(`/api/ops/lotteries/${created.body.id}/activate`)
    .set(bearer(operatorToken))
    .send({})
  if (activated.status !== 200) throw new Error(`activate lottery: ${activated.status}`)
  return created.body.id
}

/** Credits a member directly through the ledger (a test's top-up). */
export async function topUp(api: TestApi, m: MemberLoginResponse, points: number): Promise<void> {
  await api.ctx.services.ledger.post({
    memberId: m.member.memberId,
    eventKey: `test-lottery-topup:${m.member.memberId}:${points}`,
    type: 'adjust',
    now: api.clock.now(),
    plan: () => ({ op: { kind: 'credit', points, earnedMonth: '2026-12', expiryMonths: 12 } }),
  })
}
