import type { MemberLoginResponse, PointsCampaign } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'

/**
 * Double-points days / member day as operators steer them: a bonus budget that pauses the
 * campaign, the kill switch, and the simulator, through the HTTP API on the embedded database.
 */
let api: TestApi
let operator: string
let clerk: string

// Wednesday 2026-12-09, 12:00 in Shanghai.
const D = '2026-12-09T04:00:00Z'
const DAY = '2026-12-09'
const day = 86400_000

beforeAll(async () => {
  api = await startTestApi()
  api.clock.set(D)
  await api.addStore('PC')
  await api.addStore('SIM')
  operator = (await api.loginStaff('op-pc', 'operator', null)).accessToken
  clerk = (await api.loginStaff('clerk-pc', 'clerk', 'PC')).accessToken
})
afterAll(() => api.stop())

const ops = (method: 'get' | 'post' | 'put', path: string) => api.http[method](`/api/ops${path}`).set(bearer(operator))
const doubleDay = (over: Partial<PointsCampaign> = {}): PointsCampaign => ({
  id: 'dbl',
  name: '双倍积分日',
  multiplierPermille: 2000,
  when: { kind: 'date', value: DAY },
  storeIds: ['PC'],
  budgetPoints: 250,
  budgetPeriod: 'total',
  ...over,
})
/** Sets the campaigns through the console's rules editor (validated, versioned). */
async function setCampaigns(campaigns: PointsCampaign[]): Promise<void> {
  const { earning } = (await ops('get', '/rules')).body
  const res = await ops('put', '/rules').send({
    section: 'earning',
    value: { ...earning, version: undefined, campaigns },
    note: 'test',
  })
  expect(res.status).toBe(200)
}
async function statusOf(id: string) {
  const list = await ops('get', '/points-campaigns')
  expect(list.status).toBe(200)
  return list.body.items.find((v: { campaign: { id: string } }) => v.campaign.id === id)
}
async function buy(m: MemberLoginResponse, receiptNo: string, amountFen = 100_00) {
  const res = await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo, amountFen })
  expect(res.status).toBe(200)
  return res.body
}

describe('budget cap', () => {
  it(
    'never grants more bonus than the budget, even to purchases ' +
      'racing for the last of it, then pauses until raised',
    async () => {
      await setCampaigns([doubleDay()])
      const members = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => api.loginMember(`pc-budget-${i}`)))
      const scans = []
      for (const m of members) scans.push(await scan(api, m, clerk))
      // Six purchases of ¥100 at once: each wants a 100-point bonus; the budget has 250.
      const results = await Promise.all(
        scans.map((scanToken, i) => award(api, clerk, { scanToken, receiptNo: `PCB-${i}`, amountFen: 100_00 })),
      )
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
      const bonuses = results.map((r) => r.body.breakdown.campaign?.bonusPoints ?? 0)
      expect(bonuses.reduce((a, b) => a + b, 0)).toBe(250)
      expect(results.map((r) => r.body.points).reduce((a: number, b: number) => a + b, 0)).toBe(600 + 250)
      expect([...bonuses].sort((a, b) => b - a)).toEqual([100, 100, 50, 0, 0, 0])
      const trimmed = results.find((r) => r.body.breakdown.campaign?.bonusPoints === 50)!
      expect(trimmed.body.breakdown.campaign).toMatchObject({
        id: 'dbl',
        multiplierPermille: 2000,
        budgetTrimmed: true,
      })

      expect(await statusOf('dbl')).toMatchObject({
        status: 'paused_budget',
        budget: { points: 250, used: 250, left: 0, periodKey: 'total' },
      })
      // Paused: the next purchase earns the plain rate and says no campaign applied.
      const after = await buy(members[0]!, 'PCB-after')
      expect(after).toMatchObject({ points: 100, breakdown: { campaign: null } })
      // A repeated scan of a boosted receipt returns its first answer and uses no more budget.
      const boosted = results.findIndex((r) => r.body.breakdown.campaign?.bonusPoints === 100)
      const again = await award(api, clerk, {
        scanToken: await scan(api, members[boosted]!, clerk),
        receiptNo: `PCB-${boosted}`,
        amountFen: 100_00,
      })
      expect(again.body).toMatchObject({ points: 200, purchaseId: results[boosted]!.body.purchaseId })
      expect((await statusOf('dbl')).budget.used).toBe(250)

      // The operator raises the budget: the campaign runs again.
      await setCampaigns([doubleDay({ budgetPoints: 400 })])
      expect((await statusOf('dbl')).status).toBe('running')
      expect(await buy(members[1]!, 'PCB-raised')).toMatchObject({
        points: 200,
        breakdown: { campaign: { bonusPoints: 100, budgetTrimmed: false } },
      })
      expect((await statusOf('dbl')).budget).toMatchObject({ used: 350, left: 50 })
      // The member's history says why: the campaign and what it added.
      const history = await api.http.get('/api/me/wallet/entries?limit=1').set(bearer(members[1]!.accessToken))
      expect(history.body.items[0]).toMatchObject({ delta: 200, title: '消费积分（双倍积分日 +100）' })
    },
  )

  it('counts a monthly budget per Shanghai month, and refuses bad budgets in the rules editor', async () => {
    await setCampaigns([
      doubleDay({
        id: 'mday',
        name: '会员日',
        when: { kind: 'monthday', value: 9 },
        budgetPoints: 100,
        budgetPeriod: 'month',
      }),
    ])
    const m = await api.loginMember('pc-month')
    expect(await buy(m, 'PCM-1')).toMatchObject({ points: 200 })
    expect(await statusOf('mday')).toMatchObject({
      status: 'paused_budget',
      budget: { periodKey: '2026-12', used: 100 },
    })
    const { earning } = (await ops('get', '/rules')).body
    for (const bad of [-1, 1.5, '100', 2_000_000_000]) {
      const res = await ops('put', '/rules').send({
        section: 'earning',
        value: { ...earning, version: undefined, campaigns: [doubleDay({ budgetPoints: bad as number })] },
        note: '',
      })
      expect(res.status).toBe(400)
    }
    const wrongPeriod = await ops('put', '/rules').send({
      section: 'earning',
      value: { ...earning, version: undefined, campaigns: [{ ...doubleDay(), budgetPeriod: 'week' }] },
      note: '',
    })
    expect(wrongPeriod.status).toBe(400)
  })
})

describe('kill switch', () => {
  it('stops the bonus at once without editing the rules, records who and why, and resumes', async () => {
    await setCampaigns([doubleDay({ id: 'kill', budgetPoints: 0 })])
    const m = await api.loginMember('pc-kill')
    expect(await buy(m, 'PCK-1')).toMatchObject({ points: 200 })
    const killed = await ops('post', '/points-campaigns/kill/kill').send({ note: '系统异常' })
    expect(killed.status).toBe(200)
    expect(killed.body).toMatchObject({ status: 'killed', stoppedBy: 'op-pc', stopNote: '系统异常' })
    expect(await buy(m, 'PCK-2')).toMatchObject({ points: 100, breakdown: { campaign: null } })
    expect((await ops('post', '/points-campaigns/kill/resume').send({})).body.status).toBe('running')
    expect(await buy(m, 'PCK-3')).toMatchObject({ points: 200 })

    expect((await ops('post', '/points-campaigns/nope/kill').send({})).status).toBe(404)
    expect((await ops('post', '/points-campaigns/kill/kill').send({ note: 1 })).status).toBe(400)
    expect((await api.http.post('/api/ops/points-campaigns/kill/kill').set(bearer(clerk)).send({})).status).toBe(403)
    expect((await api.http.post('/api/ops/points-campaigns/kill/kill').send({})).status).toBe(401)
  })
})

describe('kill switch raced', () => {
  it('takes one of 20 kills at once, refuses the rest, and the purchase path follows the switch', async () => {
    await setCampaigns([doubleDay({ id: 'race', budgetPoints: 0 })])
    const m = await api.loginMember('pc-race')
    for (let round = 0; round < 3; round++) {
      const kills = await Promise.all(
        Array.from({ length: 20 }, () => ops('post', '/points-campaigns/race/kill').send({ note: `第${round}轮` })),
      )
      expect(kills.filter((r) => r.status === 200)).toHaveLength(1)
      for (const r of kills) if (r.status !== 200) expect(r.body.error.code).toBe('CAMPAIGN.INVALID_STATE')
      expect(await buy(m, `PCR-K${round}`)).toMatchObject({ points: 100 })
      // kills and resumes mixed: every answer is 200 or 409, and the switch ends where its rows say
      const mixed = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ops('post', `/points-campaigns/race/${i % 2 ? 'kill' : 'resume'}`).send({}),
        ),
      )
      for (const r of mixed) expect([200, 409]).toContain(r.status)
      const listed = (await ops('get', '/points-campaigns').send()).body.items.find(
        (v: { campaign: { id: string } }) => v.campaign.id === 'race',
      )
      const killed = listed.status === 'killed'
      expect(await buy(m, `PCR-M${round}`)).toMatchObject({ points: killed ? 100 : 200 })
      if (!killed) expect((await ops('post', '/points-campaigns/race/kill').send({})).status).toBe(200)
      expect((await ops('post', '/points-campaigns/race/resume').send({})).status).toBe(200)
    }
  })
})

describe('simulator', () => {
  it(
    'estimates members and bonus points per campaign day ' + 'from the last eight weeks, and what the budget covers',
    async () => {
      // History at the SIM store: two members on the Wednesday a week ago, one on the Saturday before.
      // (sessions are short-lived, so everyone logs in on the day they shop)
      const buyOn = async (daysAgo: number, purchases: [string, number][]) => {
        api.clock.set(new Date(Date.parse(D) - daysAgo * day))
        const simClerk = (await api.loginStaff('clerk-sim', 'clerk', 'SIM')).accessToken
        for (const [member, amountFen] of purchases) {
          const m = await api.loginMember(member)
          const res = await award(api, simClerk, {
            scanToken: await scan(api, m, simClerk),
            receiptNo: `SIM-${member}`,
            amountFen,
          })
          expect(res.status).toBe(200)
        }
      }
      await buyOn(7, [
        ['sim-a', 100_00],
        ['sim-b', 200_00],
      ])
      await buyOn(4, [['sim-c', 500_00]])
      api.clock.set(D)

      const wednesdays = {
        id: 'wed',
        name: '周三双倍',
        multiplierPermille: 2000,
        when: { kind: 'weekday', value: 3 },
        storeIds: ['SIM'],
        budgetPoints: 100,
        budgetPeriod: 'total',
      }
      const sim = await ops('post', '/points-campaigns/simulate').send({ campaign: wednesdays })
      expect(sim.status).toBe(200)
      // 8 Wednesdays in 56 days; only last week's had purchases: 100 + 200 bonus points, 2 members.
      expect(sim.body).toMatchObject({
        sampleDays: 56,
        comparableDays: 8,
        membersReached: 2,
        perDay: { purchases: 0.3, members: 0.3, bonusPoints: 37.5 },
        upcomingDays: [DAY, '2026-12-16', '2026-12-23', '2026-12-30', '2027-01-06'],
        projectedBonusPoints: 188,
        projectedValueFen: 188,
        budget: { points: 100, period: 'total', used: 0, left: 100 },
        budgetCoversDays: 2,
      })
      expect(sim.body.warnings).toContain('按平均水平，预算约够 2 个活动日，之后自动暂停')
      // Every store, 1.5×: Saturday's purchase is not a Wednesday; the ¥500 one does not count.
      const everywhere = await ops('post', '/points-campaigns/simulate').send({
        campaign: { ...wednesdays, storeIds: [], multiplierPermille: 1500, budgetPoints: 0 },
      })
      expect(everywhere.body).toMatchObject({
        membersReached: 2,
        perDay: { bonusPoints: 18.8 },
        budget: null,
        budgetCoversDays: null,
      })
      // A saved campaign simulates by id; nothing is written by either.
      await setCampaigns([doubleDay({ id: 'saved', storeIds: ['SIM'], when: { kind: 'weekday', value: 3 } })])
      expect((await ops('post', '/points-campaigns/saved/simulate').send({})).body).toMatchObject({
        membersReached: 2,
        perDay: { bonusPoints: 37.5 },
      })
      expect(
        (await ops('post', '/points-campaigns/simulate').send({ campaign: { ...wednesdays, multiplierPermille: -1 } }))
          .status,
      ).toBe(400)
      expect(
        (await ops('post', '/points-campaigns/simulate').send({ campaign: { ...wednesdays, $where: '1' } })).status,
      ).toBe(400)
    },
  )
})
