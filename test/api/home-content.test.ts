import { bearer, startTestApi, type TestApi } from '../support/api-harness'

// Operators manage the member app's home page (banners, announcements, events) as one versioned
// document; members read it with the directory of open stores.
let api: TestApi
let operator: string
let member: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('H1', '星巴克')
  operator = (await api.loginStaff('home-operator', 'operator', null)).accessToken
  member = (await api.loginMember('home-member')).accessToken
})
afterAll(() => api.stop())

const CONTENT = {
  banners: [
    { id: 'double', title: '周末双倍积分', subtitle: '全场消费积分翻倍', imageUrl: '', link: '/pages/coupons/index' },
  ],
  announcements: [
    {
      id: 'parking',
      title: '停车场改造通知',
      body: 'B2 停车场 12 月 8 日起改造，请停 B1。',
      publishedOn: '2026-11-20',
    },
    { id: 'hours', title: '营业时间调整', body: '', publishedOn: '2026-11-22' },
  ],
  events: [
    { id: 'xmas', title: '圣诞集市', place: '1F 中庭', summary: '', startsOn: '2026-12-20', endsOn: '2026-12-25' },
    { id: 'over', title: '已结束的活动', place: '', summary: '', startsOn: '2026-10-01', endsOn: '2026-10-07' },
  ],
}
const put = (body: Record<string, unknown>, token = operator) =>
  api.http.put('/api/ops/home-content').set(bearer(token)).send(body)

describe('home content', () => {
  afterEach(() => api.clock.runFrom(new Date()))

  it('starts empty at version 0, and members see the store directory', async () => {
    const ops = await api.http.get('/api/ops/home-content').set(bearer(operator))
    expect(ops.status).toBe(200)
    expect(ops.body).toEqual({ banners: [], announcements: [], events: [], version: 0 })
    const home = await api.http.get('/api/home').set(bearer(member))
    expect(home.status).toBe(200)
    expect(home.body.banners).toEqual([])
    expect(home.body.stores).toContainEqual(expect.objectContaining({ id: 'H1', name: '星巴克', logoUrl: '' }))
  })

  it('refuses an edit from a version that never was, writing nothing (the fuzzer caught a row created)', async () => {
    const res = await put({ ...CONTENT, version: 3 })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('CONFIG.VERSION_CONFLICT')
    expect(await api.conn.collection('home_content').countDocuments({})).toBe(0)
    expect((await api.http.get('/api/ops/home-content/history').set(bearer(operator))).body.items).toEqual([])
  })

  it('saves a version the members see (newest announcement first, ended events hidden), with history', async () => {
    const saved = await put({ ...CONTENT, version: 0, note: '双十二上线' })
    expect(saved.status).toBe(200)
    expect(saved.body.version).toBe(1)
    // a saved version reaches members at once (the member view's few seconds of memory are dropped)
    api.clock.set('2026-12-01T04:00:00Z')
    const home = await api.http.get('/api/home').set(bearer(member))
    expect(home.body.banners).toEqual(CONTENT.banners)
    expect(home.body.announcements.map((a: { id: string }) => a.id)).toEqual(['hours', 'parking'])
    expect(home.body.events.map((e: { id: string }) => e.id)).toEqual(['xmas'])
    const history = await api.http.get('/api/ops/home-content/history').set(bearer(operator))
    expect(history.body.items).toHaveLength(1)
    expect(history.body.items[0]).toMatchObject({
      kind: 'home_content',
      version: 1,
      note: '双十二上线',
      before: { banners: [], announcements: [], events: [] },
      after: { banners: CONTENT.banners },
    })
  })

  it('refuses an edit from a stale version, and exactly one of 20 racing editors wins', async () => {
    const { body: now } = await api.http.get('/api/ops/home-content').set(bearer(operator))
    const stale = await put({ ...CONTENT, banners: [], version: now.version - 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('CONFIG.VERSION_CONFLICT')
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        put({ ...CONTENT, banners: [{ ...CONTENT.banners[0], title: `横幅 ${i}` }], version: now.version }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(19)
    const after = await api.http.get('/api/ops/home-content').set(bearer(operator))
    expect(after.body.version).toBe(now.version + 1)
    const history = await api.http.get('/api/ops/home-content/history').set(bearer(operator))
    expect(history.body.items).toHaveLength(after.body.version)
  })

  it('refuses bad content with a 400 in Chinese and changes nothing', async () => {
    const { body: before } = await api.http.get('/api/ops/home-content').set(bearer(operator))
    const bad = [
      { ...CONTENT, banners: [{ ...CONTENT.banners[0], link: 'https://evil.example' }] },
      { ...CONTENT, banners: [{ ...CONTENT.banners[0], imageUrl: 'http://plain.example/a.png' }] },
      { ...CONTENT, events: [{ ...CONTENT.events[0], endsOn: '2026-12-01' }] },
      { ...CONTENT, announcements: [CONTENT.announcements[0], CONTENT.announcements[0]] },
      { ...CONTENT, banners: Array.from({ length: 7 }, (_, i) => ({ ...CONTENT.banners[0], id: `b${i}` })) },
    ]
    for (const body of bad) {
      const res = await put({ ...body, version: before.version })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION.FAILED')
    }
    const after = await api.http.get('/api/ops/home-content').set(bearer(operator))
    expect(after.body.version).toBe(before.version)
  })

  it('is operator-only to edit and member-only to read', async () => {
    const clerk = (await api.loginStaff('home-clerk', 'clerk', 'H1')).accessToken
    expect((await put({ ...CONTENT, version: 0 }, clerk)).status).toBe(403)
    expect((await put({ ...CONTENT, version: 0 }, member)).status).toBe(401)
    expect((await api.http.get('/api/home')).status).toBe(401)
  })

  it('shows a store logo an operator set, and keeps it when an older console saves without one', async () => {
    const store = (await api.http.get('/api/ops/stores').set(bearer(operator))).body.items.find(
      (s: { id: string }) => s.id === 'H1',
    )
    const { id: _id, version, ...fields } = store
    const logo = 'https://img.example/sbux.png'
    const withLogo = await api.http
      .put('/api/ops/stores/H1')
      .set(bearer(operator))
      .send({ ...fields, logoUrl: logo, version })
    expect(withLogo.status).toBe(200)
    expect(withLogo.body.logoUrl).toBe(logo)
    const renamed = await api.http
      .put('/api/ops/stores/H1')
      .set(bearer(operator))
      .send({ ...fields, name: '星巴克臻选', version: withLogo.body.version })
    expect(renamed.body).toMatchObject({ name: '星巴克臻选', logoUrl: logo })
    // store changes reach the home page within its 15 s of memory
    api.clock.set(new Date(Date.now() + 60_000))
    const home = await api.http.get('/api/home').set(bearer(member))
    expect(home.body.stores).toContainEqual(expect.objectContaining({ id: 'H1', logoUrl: logo }))
    const cleared = await api.http
      .put('/api/ops/stores/H1')
      .set(bearer(operator))
      .send({ ...fields, name: '星巴克臻选', logoUrl: '', version: renamed.body.version })
    expect(cleared.body).not.toHaveProperty('logoUrl')
  })
})
