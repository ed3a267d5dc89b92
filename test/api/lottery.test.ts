import { randomUUID } from 'node:crypto'
import type { LotteryInput, LotteryPrizeInput, MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { createGift } from '../support/mall-helpers'
import { balanceOf } from '../support/points-helpers'
import { transitionHooks } from '../../server/src/db/transitions'

jest.setTimeout(120_000)

let api: TestApi
let operator: string

beforeAll(async () => {
  api = await startTestApi()
  operator = (await api.loginStaff('op-lottery', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const day = 86400_000
const THANKS: LotteryPrizeInput = {
  id: 'thanks',
  name: '谢谢参与',
  kind: 'none',
  points: 0,
  couponTemplateId: null,
  giftId: null,
  stock: null,
  probabilityPpm: 0,
}
/** A prize won at probability `ppm`, the rest 谢谢参与. */
function prizes(main: Partial<LotteryPrizeInput>, ppm = 1_000_000): LotteryPrizeInput[] {
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
const statuses = (results: { status: number; body: { error?: { code: string } } }[]) =>
  results.map((r) => (r.status === 200 ? 200 : `${r.status} ${r.body.error?.code}`))
const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length

describe('a draw', () => {
  it(
    'spends the points, stores the outcome before answering, ' +
      'hands the prize out, and is in my draws and the audit',
    async () => {
      const id = await liveLottery({ prizes: prizes({ points: 30 }) })
      const m = await memberWith(100)
      const res = await draw(m, id)
      expect(res.status).toBe(200)
      expect(res.body.draw).toMatchObject({
        lotteryId: id,
        costPoints: 20,
        prize: { id: 'main', name: '10积分', kind: 'points', points: 30 },
        fallback: null,
        state: 'settled',
      })
      expect(res.body.balance).toBe(110)
      expect(await balanceOf(api, m)).toBe(110)
      const mine = await api.http.get('/api/me/lottery-draws').set(bearer(m.accessToken))
      expect(mine.body.items).toEqual([res.body.draw])
      const other = await memberWith(0)
      expect((await api.http.get('/api/me/lottery-draws').set(bearer(other.accessToken))).body.items).toEqual([])
      const audit = await ops('get', `/${id}/draws`)
      expect(audit.body.items).toHaveLength(1)
      expect(audit.body.items[0]).toMatchObject({ memberId: m.member.memberId, prizeId: 'main', pickedPrizeId: 'main' })
      expect(audit.body.items[0].rng).toBeGreaterThanOrEqual(0)
      expect(audit.body.items[0].rng).toBeLessThan(1_000_000)
      const entries = await api.http.get('/api/me/wallet/entries?limit=5').set(bearer(m.accessToken))
      expect(JSON.stringify(entries.body)).toContain('积分抽奖')
    },
  )

  it(
    'with too few points: a clear 409 and nothing spent or ' + 'recorded, even when 20 draws race for the last points',
    async () => {
      const id = await liveLottery({ costPoints: 60, prizes: prizes({ kind: 'none', points: 0, name: '再来' }, 0) })
      const poor = await memberWith(59)
      const refused = await draw(poor, id)
      expect(refused.status).toBe(409)
      expect(refused.body.error.code).toBe('POINTS.INSUFFICIENT')
      expect(await balanceOf(api, poor)).toBe(59)
      expect((await ops('get', `/${id}/draws`)).body.items).toEqual([])

      // Enough for one draw: the early check lets them all through, the debit lets one pay.
      const m = await memberWith(100)
      const results = await Promise.all(Array.from({ length: 20 }, () => draw(m, id)))
      expect(count(statuses(results), 200)).toBe(1)
      expect(count(statuses(results), '409 POINTS.INSUFFICIENT')).toBe(19)
      expect(await balanceOf(api, m)).toBe(40)
      expect((await ops('get', `/${id}/draws`)).body.items).toHaveLength(1)
      // The refused draws freed their numbered slots of the day: the member's list has the one draw.
      expect((await api.http.get('/api/me/lottery-draws').set(bearer(m.accessToken))).body.items).toHaveLength(1)
    },
  )

  it('repeats the answer for the same Idempotency-Key and charges once', async () => {
    const id = await liveLottery()
    const m = await memberWith(100)
    const first = await draw(m, id, 'lottery-key-0001')
    const again = await draw(m, id, 'lottery-key-0001')
    expect(again.body.draw.id).toBe(first.body.draw.id)
    expect(await balanceOf(api, m)).toBe(100 - 20 + 10)
  })
})

describe('daily limit', () => {
  it('holds under 25 concurrent draws (numbered slots of the Shanghai day), and opens again the next day', async () => {
    const id = await liveLottery({ dailyLimit: 3 })
    const m = await memberWith(1_000)
    const results = await Promise.all(Array.from({ length: 25 }, () => draw(m, id)))
    expect(count(statuses(results), 200)).toBe(3)
    expect(count(statuses(results), '409 LOTTERY.DAILY_LIMIT')).toBe(22)
    expect(await balanceOf(api, m)).toBe(1_000 - 3 * 20 + 3 * 10)
    const list = await api.http.get('/api/lotteries').set(bearer(m.accessToken))
    expect(list.body.items.find((l: { id: string }) => l.id === id).drawsLeftToday).toBe(0)
    api.clock.advance(day)
    try {
      expect((await draw(await relogin(m), id)).status).toBe(200)
    } finally {
      api.clock.reset()
    }
  })
})

describe('prize stock', () => {
  it(
    'never oversells: a probability-1 prize with stock 5, 30 draws ' +
      'from 5 members at once → 5 won, 25 consolations (3 rounds)',
    async () => {
      for (let round = 0; round < 3; round++) await stockRound()
    },
  )

  async function stockRound(): Promise<void> {
    const id = await liveLottery({ prizes: prizes({ stock: 5 }) })
    const members = await Promise.all(Array.from({ length: 5 }, () => memberWith(1_000)))
    const results = await Promise.all(members.flatMap((m) => Array.from({ length: 6 }, () => draw(m, id))))
    expect(statuses(results).every((s) => s === 200)).toBe(true)
    const won = results.filter((r) => r.body.draw.prize.id === 'main')
    expect(won).toHaveLength(5)
    const consoled = results.filter((r) => r.body.draw.prize.id === 'thanks')
    expect(consoled).toHaveLength(25)
    expect(consoled.every((r) => r.body.draw.fallback === 'sold_out')).toBe(true)
    expect((await ops('get', `/${id}`)).body.won).toEqual({ main: 5, thanks: 25 })
    const list = await api.http.get('/api/lotteries').set(bearer(members[0]!.accessToken))
    expect(list.body.items.find((l: { id: string }) => l.id === id).prizes[0].soldOut).toBe(true)
  }

  it('gives a coupon prize through the coupon claim mechanism, and falls back when the template runs out', async () => {
    const templateId = await createTemplate(api, operator, { stock: 1, perMemberLimit: 1 })
    const id = await liveLottery({
      prizes: prizes({ kind: 'coupon', name: '满200减30券', points: 0, couponTemplateId: templateId }),
    })
    const m = await memberWith(100)
    const first = await draw(m, id)
    expect(first.body.draw).toMatchObject({ prize: { id: 'main', kind: 'coupon' }, fallback: null })
    const second = await draw(m, id)
    expect(second.body.draw).toMatchObject({ prize: { id: 'thanks' }, fallback: 'sold_out' })
    const coupons = await api.http.get('/api/me/coupons').set(bearer(m.accessToken))
    expect(JSON.stringify(coupons.body)).toContain('满200减30')
  })
})

describe('gift prizes', () => {
  it(
    "hands a points-mall gift out through the mall's grant " + '(a pickup redemption), and falls back when it runs out',
    async () => {
      const giftId = await createGift(api, operator, { name: '星巴克中杯咖啡', stock: 1, perMemberLimit: 2 })
      const delivered = await createGift(api, operator, { fulfilment: ['delivery'] })
      const refused = await ops('post', '').send(
        lottery({ prizes: prizes({ kind: 'gift', name: '咖啡', points: 0, giftId: delivered }) }),
      )
      expect(refused.status).toBe(422)
      expect(refused.body.error.code).toBe('LOTTERY.PRIZE_UNSUITABLE')
      const id = await liveLottery({ prizes: prizes({ kind: 'gift', name: '咖啡', points: 0, giftId }) })
      const m = await memberWith(100)
      const won = await draw(m, id)
      expect(won.body.draw).toMatchObject({ prize: { id: 'main', kind: 'gift', name: '咖啡' }, fallback: null })
      const mine = await api.http.get('/api/me/mall/redemptions').set(bearer(m.accessToken))
      expect(JSON.stringify(mine.body)).toContain('星巴克中杯咖啡')
      const second = await draw(m, id)
      expect(second.body.draw).toMatchObject({ prize: { id: 'thanks' }, fallback: 'sold_out' })
      expect(await balanceOf(api, m)).toBe(60) // two draws paid, a gift costs the winner nothing more
    },
  )
})

describe('frozen prizes (fuco-report #95)', () => {
  it(
    'a live edit never lets a probability-1 quantity-1 prize be ' +
      'won twice, even with 20 draws racing the edit (3 rounds)',
    async () => {
      for (let round = 0; round < 3; round++) await editRaceRound()
    },
  )

  async function editRaceRound(): Promise<void> {
    const id = await liveLottery({ prizes: prizes({ name: '免单大奖', stock: 1 }) })
    const members = await Promise.all(Array.from({ length: 20 }, () => memberWith(100)))
    // The new version takes effect while the draws are running (the clock runs in real time).
    const effectiveFrom = new Date(api.clock.now().getTime() + 150)
    const edit = ops('post', `/${id}/versions`).send({
      prizes: prizes({ name: '免单大奖（新）', stock: 1 }),
      consolationPrizeId: 'thanks',
      effectiveFrom: effectiveFrom.toISOString(),
    })
    const [edited, ...results] = await Promise.all([edit, ...members.map((m) => draw(m, id))])
    expect(edited!.status).toBe(201)
    expect(statuses(results).every((s) => s === 200)).toBe(true)
    expect(results.filter((r) => r.body.draw.prize.id === 'main')).toHaveLength(1)
    // After the edit, under version 2: still sold out.
    while (api.clock.now() <= effectiveFrom) await new Promise((r) => setTimeout(r, 20))
    const later = await draw(members[0]!, id)
    expect(later.body.draw).toMatchObject({ prize: { id: 'thanks' }, fallback: 'sold_out' })
    expect((await ops('get', `/${id}/draws`)).body.items[0].version).toBe(2)
  }

  it('20 operators adding versions at once each get their own version number', async () => {
    const id = await liveLottery()
    const at = new Date(api.clock.now().getTime() + 3600_000).toISOString()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ops('post', `/${id}/versions`).send({
          prizes: prizes({ points: i + 1 }),
          consolationPrizeId: 'thanks',
          effectiveFrom: at,
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201))
    const versions = (await ops('get', `/${id}`)).body.versions
    expect(versions.map((v: { version: number }) => v.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    const points = versions.slice(1).map((v: { prizes: { points: number }[] }) => v.prizes[0]!.points)
    expect(new Set(points).size).toBe(20)
  })

  it(
    'refuses to change a live lottery from the past; a ' + 'future version takes effect only at its stated time',
    async () => {
      const id = await liveLottery({ prizes: prizes({ points: 10 }) })
      const past = await ops('post', `/${id}/versions`).send({
        prizes: prizes({ points: 99 }),
        consolationPrizeId: 'thanks',
        effectiveFrom: new Date(api.clock.now().getTime() - 60_000).toISOString(),
      })
      expect(past.status).toBe(422)
      expect(past.body.error.code).toBe('LOTTERY.VERSION_IN_PAST')
      const at = new Date(api.clock.now().getTime() + 3600_000)
      const future = await ops('post', `/${id}/versions`).send({
        prizes: prizes({ points: 99 }),
        consolationPrizeId: 'thanks',
        effectiveFrom: at.toISOString(),
      })
      expect(future.status).toBe(201)
      expect(future.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])
      const m = await memberWith(1_000)
      expect((await draw(m, id)).body.draw.prize.points).toBe(10)
      api.clock.set(new Date(at.getTime() + 1_000))
      try {
        expect((await draw(await relogin(m), id)).body.draw.prize.points).toBe(99)
      } finally {
        api.clock.reset()
      }
      const bad = await ops('post', `/${id}/versions`).send({
        prizes: prizes({}, 500_000).slice(0, 1),
        consolationPrizeId: 'x',
      })
      expect(bad.status).toBe(400)
    },
  )
})

describe('kill switch and budget', () => {
  it('the kill switch stops draws for good, with nothing spent', async () => {
    const id = await liveLottery()
    const m = await memberWith(100)
    expect((await ops('post', `/${id}/kill`).send({})).body.status).toBe('killed')
    const refused = await draw(m, id)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('LOTTERY.NOT_OPEN')
    expect(await balanceOf(api, m)).toBe(100)
    expect((await ops('post', `/${id}/kill`).send({})).status).toBe(409)
    expect((await ops('post', `/${id}/activate`).send({})).status).toBe(409)
    const list = await api.http.get('/api/lotteries').set(bearer(m.accessToken))
    expect(list.body.items.find((l: { id: string }) => l.id === id).closedReason).toBe('活动已停止')
  })

  it('never pays points prizes past the budget, even with 20 draws at once, then pauses itself', async () => {
    const id = await liveLottery({ budgetPoints: 100, prizes: prizes({ points: 40 }) })
    const members = await Promise.all(Array.from({ length: 20 }, () => memberWith(100)))
    const results = await Promise.all(members.map((m) => draw(m, id)))
    const paid = results.filter((r) => r.status === 200)
    expect(paid.filter((r) => r.body.draw.prize.id === 'main')).toHaveLength(2)
    expect(paid.filter((r) => r.body.draw.fallback === 'budget').length).toBeGreaterThanOrEqual(1)
    // Draws that had not started when it paused are refused before paying.
    for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('LOTTERY.NOT_OPEN')
    const view = (await ops('get', `/${id}`)).body
    expect(view.status).toBe('paused_budget')
    expect(view.budgetUsed).toBe(80)
    const late = await draw(members[0]!, id)
    expect(late.body.error.code).toBe('LOTTERY.NOT_OPEN')
  })
})

describe('setup', () => {
  it('refuses bad setups with a 4xx and a stable code', async () => {
    expect((await ops('post', '').send({ ...lottery(), costPoints: 0 })).status).toBe(400)
    const missing = await ops('post', '').send(
      lottery({ prizes: prizes({ kind: 'coupon', points: 0, couponTemplateId: '999999' }) }),
    )
    expect(missing.status).toBe(422)
    expect(missing.body.error.code).toBe('LOTTERY.PRIZE_UNSUITABLE')
    expect((await ops('get', '/l00000000')).status).toBe(404)
    const m = await memberWith(100)
    const draft = (await ops('post', '').send(lottery())).body.id
    expect((await draw(m, draft)).body.error.code).toBe('LOTTERY.NOT_OPEN')
    expect((await draw(m, 'not-an-id')).status).toBe(400)
  })
})

describe('fairness report', () => {
  it('counts what the RNG picked per version against the configured probabilities, with a p-value', async () => {
    const id = await liveLottery({ prizes: prizes({ points: 1 }, 500_000) })
    const members = await Promise.all(Array.from({ length: 4 }, () => memberWith(10_000)))
    for (let round = 0; round < 10; round++) await Promise.all(members.map((m) => draw(m, id)))
    const report = (await ops('get', `/${id}/report`)).body
    const v1 = report.versions[0]
    expect(v1.draws).toBe(40)
    expect(v1.prizes.map((p: { prizeId: string }) => p.prizeId)).toEqual(['main', 'thanks'])
    expect(v1.prizes[0].expected).toBe(20)
    expect(v1.prizes[0].observed + v1.prizes[1].observed).toBe(40)
    expect(v1.test.degreesOfFreedom).toBe(1)
    expect(v1.test.pValue).toBeGreaterThan(0)
    expect(v1.impossible).toBe(0)
  })
})

describe('crash recovery', () => {
  afterEach(() => {
    transitionHooks.afterClaim = undefined
    api.clock.reset()
  })

  it(
    'a draw that crashed after its outcome was stored is ' +
      'finished by the sweeper, once, even with two sweeps at once',
    async () => {
      const id = await liveLottery({ prizes: prizes({ points: 30 }) })
      const m = await memberWith(100)
      transitionHooks.afterClaim = async (row) => {
        if (row._id.startsWith(`${id}:${m.member.memberId}:`))
          throw new Error('simulated crash after the outcome insert')
      }
      const crashed = await draw(m, id)
      expect(crashed.status).toBe(500)
      transitionHooks.afterClaim = undefined
      expect(await balanceOf(api, m)).toBe(80) // paid, prize not yet handed out
      const mine = await api.http.get('/api/me/lottery-draws').set(bearer(m.accessToken))
      expect(mine.body.items[0]).toMatchObject({ state: 'pending' })

      api.clock.advance(31_000)
      const [a, b] = await Promise.all(
        [1, 2].map(() => api.http.post('/api/ops/jobs/sweep-lottery-draws').set(bearer(operator)).send({})),
      )
      expect([a!.status, b!.status]).toEqual([200, 200])
      const member = await relogin(m)
      expect(await balanceOf(api, member)).toBe(110)
      const after = await api.http.get('/api/me/lottery-draws').set(bearer(member.accessToken))
      expect(after.body.items).toHaveLength(1)
      expect(after.body.items[0]).toMatchObject({ state: 'settled', prize: { id: 'main', points: 30 } })
      // Nothing is left for a later sweep.
      expect(
        (await api.http.post('/api/ops/jobs/sweep-lottery-draws').set(bearer(operator)).send({})).body.result,
      ).toBe(0)
    },
  )
})
