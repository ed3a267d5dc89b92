import { bearer, type TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { count, day, lotteryKit, prizes, statuses } from '../support/lottery-kit'
import { createGift } from '../support/mall-helpers'
import { balanceOf } from '../support/points-helpers'

jest.setTimeout(120_000)

const kit = lotteryKit()
const { lottery, ops, liveLottery, relogin, memberWith, draw } = kit
let api: TestApi
let operator: string

beforeAll(async () => {
  ;({ api, operator } = await kit.start())
})
afterAll(() => api.stop())

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
