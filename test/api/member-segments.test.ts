import { bearer, type TestApi } from '../support/api-harness'
import { type InsightMember, buyOnDay, operatorCalls, startInsightMall } from '../support/member-insight-fixture'

/** Segments, the dashboard's lifecycle figures and fresh reads for campaigns, on the fixture's five members. */
jest.setTimeout(180_000)

let api: TestApi
let operator: string
let ids: Record<InsightMember, string>
const ops = () => operatorCalls(api, operator)

beforeAll(async () => {
  ;({ api, ids, operator } = await startInsightMall())
  // B carries the tag 亲子, as the profile tests leave it (member-insight.test.ts)
  expect((await ops().post(`/api/ops/members/${ids.B}/tags`, { add: ['亲子'] })).status).toBe(200)
})
afterAll(() => api.stop())

const buy = (name: string, day: number, yuan: number, receiptNo: string) => buyOnDay(api, name, day, yuan, receiptNo)

describe('segments', () => {
  const sorted = (...keys: (keyof typeof ids)[]) => keys.map((k) => ids[k]).sort()
  const preview = async (definition: unknown) => {
    const res = await ops().post('/api/ops/segments/preview', { definition })
    expect(res.status).toBe(200)
    return res.body
  }

  it('previews a definition: count, population and the first members with masked phones', async () => {
    const everyone = await preview({})
    expect(everyone).toMatchObject({ count: 5, population: 5, dataAgeSeconds: 0 })
    expect(everyone.sample.map((m: { memberId: string }) => m.memberId)).toEqual(sorted('A', 'B', 'C', 'D', 'E'))
    expect(JSON.stringify(everyone)).not.toContain('13912345678')

    const idsOf = async (definition: unknown) =>
      (await preview(definition)).sample.map((m: { memberId: string }) => m.memberId)
    expect(await idsOf({ churnRisk: true })).toEqual(sorted('C', 'D'))
    expect(await idsOf({ lifecycles: ['mature'], rfm: { m: { min: 4 } } })).toEqual([ids.A])
    expect(await idsOf({ tierLevels: [2] })).toEqual([ids.A])
    // E joined some 50 days ago and never bought: not 90 days without a purchase (counted from joining)
    expect(await idsOf({ notPurchasedForDays: 90 })).toEqual(sorted('C'))
    expect(await idsOf({ notPurchasedForDays: 40 })).toEqual(sorted('C', 'D', 'E'))
    expect(await idsOf({ lastPurchaseWithinDays: 30 })).toEqual(sorted('A', 'B'))
    expect(await idsOf({ joinedWithinDays: 60 })).toEqual(sorted('B', 'E'))
    expect(await idsOf({ lifecycles: ['declining', 'lapsed'] })).toEqual(sorted('C', 'E'))
    expect(await idsOf({ tagsAny: ['亲子'] })).toEqual([ids.B])
    expect(await idsOf({ rfm: { r: { max: 1 } }, churnRisk: false })).toEqual([ids.E])

    // birthdays: "now" is in July (Shanghai)
    for (const [name, birthday] of [
      ['mi-b', '1990-07-15'],
      ['mi-d', '1985-06-30'],
    ] as const) {
      const res = await api.http
        .post('/api/me/birthday')
        .set(bearer((await api.loginMember(name)).accessToken))
        .send({ birthday })
      expect(res.status).toBe(200)
    }
    // a preview may reuse this process's read of the last 15 s (birthdays were set elsewhere); campaigns read fresh
    const birthdays = await api.ctx.services.segments.matching({ birthdayThisMonth: true }, api.clock.now())
    expect(birthdays.map((p) => p.member._id)).toEqual([ids.B])
    api.ctx.services.insight.invalidate()
    expect(await idsOf({ birthdayThisMonth: true })).toEqual([ids.B])
    expect((await ops().get(`/api/ops/members/${ids.B}`)).body.birthdayMasked).toBe('199*-**-**')
  })

  it('refuses bad definitions with 400', async () => {
    for (const definition of [
      { lifecycles: ['sleeping'] },
      { rfm: { r: { min: 6 } } },
      { rfm: { r: { min: 4, max: 2 } } },
      { tierLevels: [] },
      { churnRisk: 'yes' },
      { tagsAny: [{ $ne: null }] },
      { lastPurchaseWithinDays: 30, notPurchasedForDays: 60 },
      { unknown: 1 },
    ]) {
      const res = await ops().post('/api/ops/segments/preview', { definition })
      expect({ definition, status: res.status }).toEqual({ definition, status: 400 })
    }
    expect((await ops().post('/api/ops/segments', { name: '', definition: {} })).status).toBe(400)
    expect((await ops().post('/api/ops/segments', { name: 'x', definition: { rfm: { q: {} } } })).status).toBe(400)
    expect((await ops().post('/api/ops/segments/preview', {})).status).toBe(400)
  })

  it('saves segments with versioned history, gives campaigns their member ids, and deletes', async () => {
    const created = await ops().post('/api/ops/segments', {
      name: '流失预警',
      description: '召回对象',
      definition: { churnRisk: true },
      note: '首版',
    })
    expect(created.status).toBe(201)
    const seg = created.body
    expect(seg).toMatchObject({
      name: '流失预警',
      version: 1,
      createdBy: 'mi-operator',
      updatedBy: 'mi-operator',
      summary: '有流失风险',
    })
    expect(seg.id).toMatch(/^[A-Za-z0-9_-]{1,40}$/)

    expect(await api.ctx.services.segments.membersOf(seg.id, api.clock.now())).toEqual(sorted('C', 'D'))
    const exported = (await ops().get(`/api/ops/segments/${seg.id}/members`)).body
    expect(exported).toMatchObject({ segmentId: seg.id, count: 2, memberIds: sorted('C', 'D') })
    expect((await ops().get('/api/ops/segments')).body.items).toEqual([
      expect.objectContaining({ id: seg.id, count: 2 }),
    ])

    const updated = await ops().put(`/api/ops/segments/${seg.id}`, {
      name: '流失预警·衰退',
      definition: { churnRisk: true, lifecycles: ['declining', 'lapsed'] },
      version: 1,
      note: '只看衰退和流失',
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({
      version: 2,
      createdBy: 'mi-operator',
      summary: '生命周期 衰退/流失；有流失风险',
    })
    expect(await api.ctx.services.segments.membersOf(seg.id, api.clock.now())).toEqual([ids.C])

    // stale version → 409; two saves over the same version at once → exactly one wins
    const stale = await ops().put(`/api/ops/segments/${seg.id}`, { name: 'x', definition: {}, version: 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('SEGMENT.VERSION_CONFLICT')
    const race = await Promise.all(
      ['甲', '乙'].map((name) =>
        ops().put(`/api/ops/segments/${seg.id}`, { name, definition: { churnRisk: true }, version: 2 }),
      ),
    )
    expect(race.map((r) => r.status).sort()).toEqual([200, 409])

    const full = (await ops().get(`/api/ops/segments/${seg.id}`)).body
    expect(full).toMatchObject({ version: 3, count: 2 })
    expect(full.history.map((h: { version: number; action: string }) => [h.version, h.action])).toEqual([
      [3, 'update'],
      [2, 'update'],
      [1, 'create'],
    ])
    expect(full.history[1]).toMatchObject({
      changedBy: 'mi-operator',
      note: '只看衰退和流失',
      before: { name: '流失预警', definition: { churnRisk: true } },
      after: { name: '流失预警·衰退', definition: { churnRisk: true, lifecycles: ['declining', 'lapsed'] } },
    })

    expect((await ops().post(`/api/ops/segments/${seg.id}/delete`, { version: 2 })).status).toBe(409)
    const deleted = await ops().post(`/api/ops/segments/${seg.id}/delete`, { version: 3, note: '活动结束' })
    expect(deleted.body).toEqual({ id: seg.id, version: 4, deleted: true })
    expect((await ops().get(`/api/ops/segments/${seg.id}`)).status).toBe(404)
    expect((await ops().get(`/api/ops/segments/${seg.id}/members`)).status).toBe(404)
    await expect(api.ctx.services.segments.membersOf(seg.id, api.clock.now())).rejects.toMatchObject({
      code: 'SEGMENT.NOT_FOUND',
    })
    expect((await ops().put(`/api/ops/segments/${seg.id}`, { name: 'x', definition: {}, version: 4 })).status).toBe(404)
    expect((await ops().get('/api/ops/segments')).body.items).toEqual([])
    const history = (await ops().get('/api/ops/segments/history')).body.items
    expect(history[0]).toMatchObject({ segmentId: seg.id, version: 4, action: 'delete', after: null, note: '活动结束' })

    expect((await ops().get('/api/ops/segments/seg_nothing')).status).toBe(404)
    await expect(api.ctx.services.segments.membersOf('seg_nothing', api.clock.now())).rejects.toMatchObject({
      code: 'SEGMENT.NOT_FOUND',
    })
  })
})

describe('dashboard figures', () => {
  it('reports the lifecycle distribution and the churn-risk count, as of the end of the range', async () => {
    const today = (await ops().get('/api/ops/kpis?from=2026-07-01&to=2026-07-24')).body
    expect(today.metrics.find((m: { key: string }) => m.key === 'churn_risk')).toMatchObject({
      value: 2,
      unit: '人',
      definition: expect.stringContaining('中位消费间隔'),
    })
    expect(today.metrics.find((m: { key: string }) => m.key === 'churn_risk_rate').value).toBe(40)
    const series = today.series.find((s: { key: string }) => s.key === 'lifecycle')
    expect(series.points).toEqual([
      { x: '新客', y: 1 },
      { x: '成长', y: 1 },
      { x: '成熟', y: 1 },
      { x: '衰退', y: 1 },
      { x: '流失', y: 1 },
    ])
    const table = today.tables.find((t: { key: string }) => t.key === 'lifecycle')
    expect(table.rows.map((r: unknown[]) => r.slice(0, 3))).toEqual([
      ['新客', 1, 20],
      ['成长', 1, 20],
      ['成熟', 1, 20],
      ['衰退', 1, 20],
      ['流失', 1, 20],
    ])
    for (const row of table.rows) expect(String(row[3]).length).toBeGreaterThan(5)

    // as of 2026-01-14 (day 9): only A and C had joined, each with one purchase → both new
    const early = (await ops().get('/api/ops/kpis?from=2026-01-05&to=2026-01-14')).body
    expect(
      early.series.find((s: { key: string }) => s.key === 'lifecycle').points.map((p: { y: number }) => p.y),
    ).toEqual([2, 0, 0, 0, 0])
    expect(early.metrics.find((m: { key: string }) => m.key === 'churn_risk').value).toBe(0)
  })
})

describe('freshness', () => {
  it('gives campaigns and the member page fresh data even right after a preview served from the snapshot', async () => {
    const seg = await ops().post('/api/ops/segments', { name: '今日消费', definition: { lastPurchaseWithinDays: 1 } })
    expect(seg.status).toBe(201)
    expect(
      (await ops().post('/api/ops/segments/preview', { definition: { lastPurchaseWithinDays: 1 } })).body.count,
    ).toBe(0)
    await buy('mi-e', 200.1, 120, 'E-200')
    operator = (await api.loginStaff('mi-operator', 'operator', null)).accessToken // the clock moved past the old token
    expect(await api.ctx.services.segments.membersOf(seg.body.id, api.clock.now())).toEqual([ids.E])
    const e = (await ops().get(`/api/ops/members/${ids.E}`)).body
    expect(e.insight).toMatchObject({
      purchasesTotal: 1,
      rfm: { recencyDays: 0, monetaryFen: 120_00 },
      lifecycle: 'growing',
    })
  })
})
