import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { DEMO_PASSWORD, seedDemo } from '../../server/src/seed/demo'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

describe('demo data (npm run demo)', () => {
  it('seeds a usable mall and is idempotent across restarts', async () => {
    await seedDemo(api.ctx, api.conn)
    const entries = await ledgerModels(api.conn).Entry.countDocuments()
    await seedDemo(api.ctx, api.conn) // a second start of the demo
    expect(await ledgerModels(api.conn).Entry.countDocuments()).toBe(entries)

    const login = await api.http.post('/api/staff/auth/login').send({ username: 'operator', password: DEMO_PASSWORD })
    expect(login.status).toBe(200)
    const op = login.body.accessToken as string
    const campaigns = (await api.http.get('/api/ops/campaigns').set(bearer(op))).body.items
    expect(campaigns).toHaveLength(1)
    const sim = await api.http.post(`/api/ops/campaigns/${campaigns[0].id}/simulate`).set(bearer(op)).send({})
    expect(sim.body.matched).toBeGreaterThanOrEqual(1) // alice's birthday is this month
    const segments = (await api.http.get('/api/ops/segments').set(bearer(op))).body.items
    expect(segments.map((s: { name: string }) => s.name).sort()).toEqual(['沉睡会员召回', '高价值会员'])
    const templates = (await api.http.get('/api/ops/coupon-templates').set(bearer(op))).body.items
    expect(templates.length).toBeGreaterThanOrEqual(6)
    const alice = await api.loginMember('alice')
    const card = (await api.http.get('/api/me/card').set(bearer(alice.accessToken))).body
    expect(card.pointsBalance).toBeGreaterThan(0)
    expect(card.birthday).toMatch(/^1992-\d{2}-08$/)
    expect(
      (await api.http.get('/api/coupons').set(bearer(alice.accessToken))).body.items.length,
    ).toBeGreaterThanOrEqual(1)
    // Alice is silver: the monthly tier coupon reaches her by the benefit job, not the coupon centre.
    expect(card.tier.level).toBe(2)
    const job = await api.http.post('/api/ops/jobs/grant-tier-monthly-coupons').set(bearer(op)).send({})
    expect(job.body.result.granted).toBeGreaterThanOrEqual(1)
    const mine = (await api.http.get('/api/me/coupons').set(bearer(alice.accessToken))).body.items
    expect(mine.map((c: { name: string }) => c.name)).toContain('会员每月专享：满100减20')
    const mall = (await api.http.get('/api/mall/gifts').set(bearer(alice.accessToken))).body
    expect(mall.items).toHaveLength(4) // 积分商城 on first open, once across restarts
    expect(mall.items.filter((g: { blocker: string | null }) => g.blocker === null).length).toBeGreaterThanOrEqual(1)
    // 积分抽奖 on first open, once across restarts: every prize kind, and alice can play.
    const lotteries = (await api.http.get('/api/lotteries').set(bearer(alice.accessToken))).body.items
    expect(lotteries).toHaveLength(1)
    expect(lotteries[0].prizes.map((p: { kind: string }) => p.kind)).toEqual([
      'points',
      'points',
      'points',
      'coupon',
      'gift',
      'none',
    ])
    const played = await api.http.post(`/api/lotteries/${lotteries[0].id}/draw`).set(bearer(alice.accessToken)).send({})
    expect(played.status).toBe(200)
  })

  it('fills 首页 on first open (banners, 商场公告, 精彩活动) and leaves an operator’s edit alone on a restart', async () => {
    await seedDemo(api.ctx, api.conn) // idempotent: this test stands on its own
    const alice = await api.loginMember('alice')
    const home = (await api.http.get('/api/home').set(bearer(alice.accessToken))).body
    expect(home.banners.length).toBeGreaterThanOrEqual(2)
    expect(home.announcements.length).toBeGreaterThanOrEqual(2)
    expect(home.events.length).toBeGreaterThanOrEqual(2) // none ended on the day the demo starts
    expect(home.banners.every((b: { link: string }) => b.link.startsWith('/pages/'))).toBe(true)

    const op = (await api.http.post('/api/staff/auth/login').send({ username: 'operator', password: DEMO_PASSWORD }))
      .body.accessToken as string
    const content = (await api.http.get('/api/ops/home-content').set(bearer(op))).body
    expect(content.version).toBe(1)
    const edited = await api.http
      .put('/api/ops/home-content')
      .set(bearer(op))
      .send({ version: 1, banners: [], announcements: content.announcements, events: content.events })
    expect(edited.status).toBe(200)
    await seedDemo(api.ctx, api.conn) // a restart of the demo
    const after = (await api.http.get('/api/ops/home-content').set(bearer(op))).body
    expect([after.version, after.banners]).toEqual([2, []])
  })

  it('posts the hand-made members’ history in time order, so each wallet reads newest first', async () => {
    await seedDemo(api.ctx, api.conn)
    for (const devUser of ['alice', 'bob', 'carol']) {
      const member = await api.loginMember(devUser)
      const res = await api.http.get('/api/me/wallet/entries?limit=50').set(bearer(member.accessToken))
      const times = res.body.items.map((e: { createdAt: string }) => e.createdAt)
      expect({ devUser, times }).toEqual({ devUser, times: [...times].sort().reverse() })
      expect(res.body.items.at(-1).title).toBe('新会员注册礼') // joined before everything else
    }
  })

  it('gives manager1 a working day at 星巴克: clerk1’s receipts, one held, the same after a restart', async () => {
    await seedDemo(api.ctx, api.conn)
    await seedDemo(api.ctx, api.conn) // a restart the same day adds nothing
    const login = await api.http.post('/api/staff/auth/login').send({ username: 'manager1', password: DEMO_PASSWORD })
    const manager = bearer(login.body.accessToken)
    const today = (await api.http.get('/api/staff/operations/today').set(manager)).body.items
    expect(today).toHaveLength(4)
    expect(new Set(today.map((o: { staffName: string }) => o.staffName))).toEqual(new Set(['张店员（星巴克）']))
    const held = (await api.http.get('/api/staff/purchases/pending').set(manager)).body.items
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({ amountFen: 10_880_00, status: 'pending_approval' })
    const daily = (await api.http.get('/api/staff/store/daily').set(manager)).body
    expect(daily.purchases).toBeGreaterThanOrEqual(3)
  })
})
