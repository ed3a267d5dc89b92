import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { checkinModels } from '../../server/src/modules/checkin/checkin.model'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { templateInput } from '../support/coupon-helpers'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

/** Freezes the clock at `at` and logs the member in again (tokens follow the test clock). */
async function at(iso: string, name: string): Promise<MemberLoginResponse> {
  api.clock.set(iso)
  return api.loginMember(name)
}
const checkIn = (m: MemberLoginResponse) => api.http.post('/api/me/checkin').set(bearer(m.accessToken)).send()
const status = (m: MemberLoginResponse, month?: string) =>
  api.http.get(`/api/me/checkin${month ? `?month=${month}` : ''}`).set(bearer(m.accessToken))
const balance = async (m: MemberLoginResponse) => (await api.ctx.services.ledger.head(m.member.memberId)).state.balance
const W = 100

afterEach(() => api.clock.runFrom(new Date()))

describe('daily check-in', () => {
  it('uses the Shanghai calendar day: 23:59:59 and 00:00:00 are two days', async () => {
    let m = await at('2026-03-10T15:59:59Z', 'ci-boundary') // 23:59:59 on 10 March in Shanghai
    expect((await checkIn(m)).body).toMatchObject({ day: '2026-03-10', streak: 1, rewardPoints: 5 })
    expect((await checkIn(m)).body).toMatchObject({ day: '2026-03-10', streak: 1 }) // same day: same result
    m = await at('2026-03-10T16:00:00Z', 'ci-boundary') // 00:00:00 on 11 March
    expect((await checkIn(m)).body).toMatchObject({ day: '2026-03-11', streak: 2, rewardPoints: 5 })
    expect(await balance(m)).toBe(W + 10)
  })

  it('turns 10 concurrent taps into one check-in and one reward, with the same answer', async () => {
    const m = await at('2026-04-02T03:00:00Z', 'ci-concurrent')
    const results = await Promise.all(Array.from({ length: 10 }, () => checkIn(m)))
    // one answer is the check-in, the others repeat it (marked)
    expect(results.filter((r) => !r.body.repeat)).toHaveLength(1)
    expect(new Set(results.map((r) => JSON.stringify([r.status, { ...r.body, repeat: undefined }]))).size).toBe(1)
    expect(results[0]!.status).toBe(200)
    expect(await balance(m)).toBe(W + 5)
    expect(await ledgerModels(api.conn).Entry.countDocuments({ memberId: m.member.memberId, type: 'checkin' })).toBe(1)
  })

  it('keeps the streak across a month end, pays milestones, and restarts the 7-day cycle', async () => {
    const days = [
      '2026-01-28',
      '2026-01-29',
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
    ]
    const got: Array<{
      day: string
      streak: number
      rewardPoints: number
      milestoneDay: number | null
      makeupCardsEarned: number
    }> = []
    for (const d of days) {
      const m = await at(`${d}T02:00:00Z`, 'ci-streak')
      got.push((await checkIn(m)).body)
    }
    expect(got.map((g) => [g.streak, g.rewardPoints])).toEqual([
      [1, 5],
      [2, 5],
      [3, 15],
      [4, 5],
      [5, 5],
      [6, 5],
      [7, 35],
      [8, 5],
    ])
    expect(got[6]).toMatchObject({ milestoneDay: 7, makeupCardsEarned: 1 })
    const m = await at('2026-02-04T05:00:00Z', 'ci-streak')
    const s = (await status(m)).body
    expect(s).toMatchObject({ streak: 8, checkedInToday: true, makeupCards: 1, nextMilestone: { day: 3, inDays: 2 } })
    expect(s.checkedDays).toEqual(['2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04'])
  })
})

describe('make-up cards (补签卡)', () => {
  it('fills a missed day of this month, recomputes the streak, and keeps to the rules', async () => {
    let m = await at('2026-05-05T02:00:00Z', 'ci-makeup')
    await checkIn(m)
    m = await at('2026-05-07T02:00:00Z', 'ci-makeup') // missed 6 May
    await checkIn(m)
    expect((await status(m)).body.streak).toBe(1)

    const noCard = await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send({ day: '2026-05-06' })
    expect(noCard.body.error.code).toBe('CHECKIN.NO_MAKEUP_CARD')

    // top up, then buy three cards with points; the same Idempotency-Key buys once
    await api.ctx.services.ledger.post({
      memberId: m.member.memberId,
      eventKey: `test-topup:${m.member.memberId}`,
      type: 'adjust',
      now: api.clock.now(),
      plan: () => ({ op: { kind: 'credit', points: 100, earnedMonth: '2026-05', expiryMonths: 12 } }),
    })
    for (const key of ['buy-card-0001', 'buy-card-0001', 'buy-card-0002', 'buy-card-0003']) {
      const res = await api.http
        .post('/api/me/checkin/makeup-cards')
        .set(bearer(m.accessToken))
        .set('Idempotency-Key', key)
        .send()
      expect(res.status).toBe(200)
    }
    expect(await balance(m)).toBe(W + 10 + 100 - 3 * 50)

    for (const [day, code] of [
      ['2026-05-07', 'CHECKIN.MAKEUP_NOT_ALLOWED'],
      ['2026-05-08', 'CHECKIN.MAKEUP_NOT_ALLOWED'],
      ['2026-04-30', 'CHECKIN.MAKEUP_NOT_ALLOWED'],
      ['2026-05-05', 'CHECKIN.ALREADY_CHECKED'],
    ] as const) {
      const res = await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send({ day })
      expect({ day, code: res.body.error?.code }).toEqual({ day, code })
    }
    const filled = await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send({ day: '2026-05-06' })
    expect(filled.body).toMatchObject({ day: '2026-05-06', kind: 'makeup', rewardPoints: 5 })
    expect((await status(m)).body).toMatchObject({ streak: 3, makeupUsedThisMonth: 1, makeupCards: 2 })

    expect(
      (await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send({ day: '2026-05-01' })).status,
    ).toBe(200)
    const third = await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send({ day: '2026-05-02' })
    expect(third.body.error.code).toBe('CHECKIN.MAKEUP_CAP_REACHED')
    expect((await status(m)).body.makeupCards).toBe(1) // the refused make-up kept its card
  })

  it('refuses bad input without writing', async () => {
    const m = await at('2026-05-20T02:00:00Z', 'ci-bad')
    for (const body of [{ day: '2026-5-1' }, { day: { $gt: '' } }, { day: '2026-05-01', extra: 1 }, {}]) {
      const res = await api.http.post('/api/me/checkin/makeup').set(bearer(m.accessToken)).send(body)
      expect(res.status).toBe(400)
    }
    expect(await checkinModels(api.conn).Checkin.countDocuments({ memberId: m.member.memberId })).toBe(0)
  })
})

describe('crash repair and reminders', () => {
  it("posts a reward a crash left unposted on the member's next request, once", async () => {
    const m = await at('2026-06-01T02:00:00Z', 'ci-crash')
    await checkinModels(api.conn).Checkin.collection.insertOne({
      _id: `${m.member.memberId}:2026-06-01`,
      memberId: m.member.memberId,
      day: '2026-06-01',
      kind: 'daily',
      at: api.clock.now(),
      streak: 1,
      rewardPoints: 5,
      milestoneDay: null,
      makeupCardsEarned: 0,
      rewarded: false,
    } as never)
    expect(await balance(m)).toBe(W)
    await status(m)
    await status(m)
    expect(await balance(m)).toBe(W + 5)
  })

  it('sends the subscribe-message reminder through the WeChat API to members who have not checked in', async () => {
    api.clock.set('2026-06-10T01:00:00Z')
    const login = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-reminded' }) })
    const sub = await api.http
      .post('/api/me/checkin/reminder')
      .set(bearer(login.body.accessToken))
      .send({ subscribe: true })
    expect(sub.body).toEqual({ subscribed: true })
    const before = api.wechat.subscribeMessages.length
    expect(await api.ctx.jobs.sendCheckinReminders(api.clock.now())).toBeGreaterThanOrEqual(1)
    const sent = api.wechat.subscribeMessages.slice(before) as Array<{ touser: string; template_id: string }>
    expect(sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ touser: 'o-reminded', template_id: api.config.wechat.checkinReminderTemplateId }),
      ]),
    )
    expect(await api.ctx.jobs.sendCheckinReminders(api.clock.now())).toBe(0) // one-time subscription used up
  })
})

describe('milestone coupon', () => {
  it('hands out the configured coupon at the milestone, once', async () => {
    api.clock.runFrom(new Date())
    const operator = (await api.loginStaff('ci-operator', 'operator', null)).accessToken
    const tid = (
      await api.http
        .post('/api/ops/coupon-templates')
        .set(bearer(operator))
        .send(
          templateInput({
            name: '连签3天礼券',
            claimStart: '2026-01-01T00:00:00+08:00',
            claimEnd: '2027-12-31T00:00:00+08:00',
          }),
        )
    ).body._id
    const { checkin } = await api.ctx.services.rules.current()
    await api.ctx.services.rules.replace({
      checkin: { milestones: checkin.milestones.map((ms) => (ms.day === 3 ? { ...ms, couponTemplateId: tid } : ms)) },
    })
    try {
      for (const d of ['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04']) {
        const m = await at(`${d}T02:00:00Z`, 'ci-coupon')
        await checkIn(m)
      }
      const m = await at('2026-07-04T05:00:00Z', 'ci-coupon')
      const mine = await api.http.get('/api/me/coupons?status=unused').set(bearer(m.accessToken))
      expect(mine.body.items.map((c: { templateId: string }) => c.templateId)).toEqual([tid])
    } finally {
      await api.ctx.services.rules.replace({ checkin })
    }
  })
})

describe('growth value from actions', () => {
  it('adds the configured growth bonus per check-in to tier qualification', async () => {
    const { earning } = await api.ctx.services.rules.current()
    await api.ctx.services.rules.replace({ earning: { actionGrowth: { checkin: 20, invite: 0 } } })
    try {
      const m = await at('2026-08-03T02:00:00Z', 'ci-growth')
      await checkIn(m)
      const tier = await api.http.get('/api/me/tier').set(bearer(m.accessToken))
      expect(tier.body.growthBonus).toEqual([{ month: '2026-08', amount: 20 }])
      const { growthValue } = await import('@mall/shared')
      expect(growthValue(tier.body, api.clock.now())).toBe(20)
    } finally {
      await api.ctx.services.rules.replace({ earning: { actionGrowth: earning.actionGrowth } })
    }
  })
})
