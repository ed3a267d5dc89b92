import { bearer, type TestApi } from '../support/api-harness'
import { lotteryKit, prizes, statuses } from '../support/lottery-kit'
import { balanceOf } from '../support/points-helpers'
import { transitionHooks } from '../../server/src/db/transitions'

jest.setTimeout(120_000)

const kit = lotteryKit()
const { ops, liveLottery, relogin, memberWith, draw } = kit
let api: TestApi
let operator: string

beforeAll(async () => {
  ;({ api, operator } = await kit.start())
})
afterAll(() => api.stop())

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
