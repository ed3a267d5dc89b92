import { randomUUID } from 'node:crypto'
import type { LotteryInput, LotteryPrizeInput, MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'
import { THANKS } from './lottery-helpers'
import { balanceOf } from './points-helpers'

export const day = 86400_000

/** A prize won at probability `ppm`, the rest 谢谢参与. */
export function prizes(main: Partial<LotteryPrizeInput>, ppm = 1_000_000): LotteryPrizeInput[] {
  const prize: LotteryPrizeInput = {
    id: 'main',
    name: '10积分',
    kind: 'points',
    points: 10,
    couponTemplateId: null,
    giftId: null,
    stock: null,
    probabilityPpm: ppm,
    ...main,
  }
  return [prize, { ...THANKS, probabilityPpm: 1_000_000 - ppm }]
}
export const statuses = (results: { status: number; body: { error?: { code: string } } }[]) =>
  results.map((r) => (r.status === 200 ? 200 : `${r.status} ${r.body.error?.code}`))
export const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length

/**
 * The API lottery tests' app (operator op-lottery) and the calls they make on it; `start()` in beforeAll, the rest
 * bound to what it started. (The screens' demo lottery is in lottery-helpers.ts.)
 */
export function lotteryKit() {
  let api: TestApi
  let operator: string
  function lottery(over: Partial<LotteryInput> = {}): LotteryInput {
    const t = api.clock.now().getTime()
    return {
      name: '测试抽奖',
      costPoints: 20,
      dailyLimit: 50,
      budgetPoints: 1_000_000,
      startsAt: new Date(t - day).toISOString(),
      endsAt: new Date(t + 30 * day).toISOString(),
      prizes: prizes({}),
      consolationPrizeId: 'thanks',
      ...over,
    }
  }
  const ops = (method: 'get' | 'post', path: string) =>
    api.http[method](`/api/ops/lotteries${path}`).set(bearer(operator))
  async function liveLottery(over: Partial<LotteryInput> = {}): Promise<string> {
    const created = await ops('post', '').send(lottery(over))
    expect(created.status).toBe(201)
    expect((await ops('post', `/${created.body.id}/activate`).send({})).status).toBe(200)
    return created.body.id
  }
  const devUsers = new Map<string, string>()
  /** The member logged in again (a test that moves the clock past the access token's 15 minutes). */
  const relogin = (m: MemberLoginResponse) => api.loginMember(devUsers.get(m.member.memberId)!)
  async function memberWith(points: number): Promise<MemberLoginResponse> {
    const devUser = `lottery-${randomUUID().slice(0, 8)}`
    const m = await api.loginMember(devUser)
    devUsers.set(m.member.memberId, devUser)
    const owed = points - (await balanceOf(api, m))
    if (owed !== 0)
      await api.ctx.services.ledger.post({
        memberId: m.member.memberId,
        eventKey: `test-topup:${m.member.memberId}`,
        type: 'adjust',
        now: api.clock.now(),
        plan: () => ({
          op:
            owed > 0
              ? { kind: 'credit', points: owed, earnedMonth: '2026-12', expiryMonths: 12 }
              : { kind: 'debit', points: -owed },
        }),
      })
    expect(await balanceOf(api, m)).toBe(points)
    return m
  }
  const draw = (m: MemberLoginResponse, id: string, key?: string) => {
    const req = api.http.post(`/api/lotteries/${id}/draw`).set(bearer(m.accessToken))
    if (key) req.set('Idempotency-Key', key)
    return req.send({})
  }
  async function start() {
    api = await startTestApi()
    operator = (await api.loginStaff('op-lottery', 'operator', null)).accessToken
    return { api, operator }
  }
  return { start, lottery, ops, liveLottery, relogin, memberWith, draw }
}
