import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { award, scan } from '../support/points-helpers'

/**
 * Member insight and segments against hand-computed values. Five members with purchase histories
 * laid out on the test clock (day 0 = 2026-01-05 12:00 Shanghai; "now" = day 200, 14:00):
 *   A  joined day 0; 500 yuan on days 0, 20, …, 180 (10 purchases)  → 成熟, RFM 434,
 *        no churn risk (every 20 days, last 20 ago)
 *   B  joined day 195; 50 yuan on day 195                              → 新客, RFM 511
 *   C  joined day 0; 80 yuan on day 0; 60 yuan on day 150, reversed   → 流失, RFM 111, churn risk (global 90 days)
 *   D  joined day 100; 100 yuan on days 100, 110, 120                  → 成长, RFM 322,
 *        churn risk (80 days > 2 × 10, min 14 → 20)
 *   E  joined day 150, invited by A, never bought                     → 衰退, RFM 111
 *        (no purchase after the new-member window)
 */
jest.setTimeout(180_000)

const T0 = Date.parse('2026-01-05T04:00:00Z')
const DAY = 86_400_000
const at = (day: number) => new Date(T0 + day * DAY)

let api: TestApi
let operator: string
const ids: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' }

async function join(name: string, day: number, inviter?: string): Promise<MemberLoginResponse> {
  api.clock.runFrom(at(day))
  const res = await api.http.post('/api/auth/dev-login').send({ devUser: name, ...(inviter ? { inviter } : {}) })
  expect(res.status).toBe(200)
  return res.body
}

async function buy(name: string, day: number, yuan: number, receiptNo: string): Promise<string> {
  api.clock.runFrom(at(day))
  const clerk = (await api.loginStaff('mi-clerk', 'clerk', 'MI')).accessToken
  const member = await api.loginMember(name)
  const res = await award(api, clerk, { scanToken: await scan(api, member, clerk), receiptNo, amountFen: yuan * 100 })
  expect({ receiptNo, status: res.status, state: res.body.status }).toEqual({ receiptNo, status: 200, state: 'posted' })
  return clerk
}

const ops = () => ({
  get: (path: string) => api.http.get(path).set(bearer(operator)),
  post: (path: string, body: unknown) =>
    api.http
      .post(path)
      .set(bearer(operator))
      .send(body as object),
  put: (path: string, body: unknown) =>
    api.http
      .put(path)
      .set(bearer(operator))
      .send(body as object),
})

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('MI')
  const a = await join('mi-a', 0)
  ids.A = a.member.memberId
  ids.C = (await join('mi-c', 0)).member.memberId
  for (let day = 0; day <= 180; day += 20) await buy('mi-a', day, 500, `A-${day}`)
  await buy('mi-c', 0, 80, 'C-0')
  ids.D = (await join('mi-d', 100)).member.memberId
  for (const day of [100, 110, 120]) await buy('mi-d', day, 100, `D-${day}`)
  const inviteCode = (await api.http.get('/api/me/invites').set(bearer((await api.loginMember('mi-a')).accessToken)))
    .body.inviteCode
  ids.E = (await join('mi-e', 150, inviteCode)).member.memberId
  const clerk = await buy('mi-c', 150, 60, 'C-150')
  const undo = await api.http.post('/api/staff/purchases/C-150/reverse').set(bearer(clerk)).send({ reason: 'undo' })
  expect(undo.status).toBe(200)
  ids.B = (await join('mi-b', 195)).member.memberId
  await buy('mi-b', 195, 50, 'B-195')

  // "now": day 200, past the purchase times of day 0 (scans move the clock)
  api.clock.runFrom(new Date(at(200).getTime() + 2 * 3600_000))
  const phone = await api.http
    .post('/api/me/phone')
    .set(bearer((await api.loginMember('mi-a')).accessToken))
    .send({ code: api.wechat.phoneCode('13912345678') })
  expect(phone.status).toBe(200)
  operator = (await api.loginStaff('mi-operator', 'operator', null)).accessToken
})
afterAll(() => api.stop())

describe('member profiles', () => {
  it('computes RFM, lifecycle and churn risk by hand-checked rules', async () => {
    const detail = async (k: keyof typeof ids) => {
      const res = await ops().get(`/api/ops/members/${ids[k]}`)
      expect(res.status).toBe(200)
      return res.body
    }
    const a = await detail('A')
    expect(a).toMatchObject({
      memberId: ids.A,
      nickname: 'mi-a',
      phoneMasked: '139****5678',
      tier: { level: 2 },
      tags: [],
      lifetimeSpendFen: 5_000_00,
    })
    expect(a.insight).toMatchObject({
      lifecycle: 'mature',
      purchasesTotal: 10,
      rfm: { r: 4, f: 3, m: 4, code: '434', recencyDays: 20, frequency: 10, monetaryFen: 5_000_00 },
      churn: { atRisk: false, basis: 'personal', medianIntervalDays: 20, thresholdDays: 40, daysSinceLastPurchase: 20 },
    })
    expect(JSON.stringify(a)).not.toContain('13912345678')
    expect(a.definitions.lifecycle.mature).toContain('成熟')

    const b = await detail('B')
    expect(b.insight).toMatchObject({
      lifecycle: 'new',
      rfm: { code: '511', recencyDays: 5 },
      churn: { atRisk: false, basis: 'global', thresholdDays: 90 },
    })

    const c = await detail('C')
    // the reversed receipt counts neither for insight nor for the balance: 100 welcome + 80
    expect(c).toMatchObject({ wallet: { balance: 180 }, lifetimeSpendFen: 80_00, tier: { level: 1 } })
    expect(c.insight).toMatchObject({
      lifecycle: 'lapsed',
      purchasesTotal: 1,
      rfm: { code: '111', recencyDays: 200 },
      churn: { atRisk: true, basis: 'global', daysSinceLastPurchase: 200 },
    })

    const d = await detail('D')
    expect(d.insight).toMatchObject({
      lifecycle: 'growing',
      rfm: { code: '322', recencyDays: 80, monetaryFen: 300_00 },
      churn: { atRisk: true, basis: 'personal', medianIntervalDays: 10, thresholdDays: 20 },
    })

    const e = await detail('E')
    expect(e).toMatchObject({ channel: 'invite', inviterId: ids.A })
    expect(e.insight).toMatchObject({
      lifecycle: 'declining',
      purchasesTotal: 0,
      rfm: { code: '111', recencyDays: null },
      churn: { atRisk: false, basis: 'none' },
    })
  })

  it('searches by member number, phone suffix and nickname, paginated, with masked phones', async () => {
    const byNumber = (await ops().get(`/api/ops/members?q=${ids.D}`)).body
    expect(byNumber).toMatchObject({
      total: 1,
      items: [{ memberId: ids.D, lifecycle: 'growing', rfm: '322', churnRisk: true }],
    })
    const byPhone = (await ops().get('/api/ops/members?q=5678')).body
    expect(byPhone.items).toEqual([expect.objectContaining({ memberId: ids.A, phoneMasked: '139****5678' })])
    expect(JSON.stringify(byPhone)).not.toContain('13912345678')
    expect(
      (await ops().get('/api/ops/members?q=mi-e')).body.items.map((m: { memberId: string }) => m.memberId),
    ).toEqual([ids.E])

    const first = (await ops().get('/api/ops/members?page=1&pageSize=2')).body
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2 })
    expect(first.items.map((m: { memberId: string }) => m.memberId)).toEqual([ids.B, ids.E]) // newest first
    const last = (await ops().get('/api/ops/members?page=3&pageSize=2')).body
    expect(last.items).toHaveLength(1)
    expect((await ops().get('/api/ops/members?pageSize=101')).status).toBe(400)
    expect((await ops().get('/api/ops/members?q=x&extra=1')).status).toBe(400)
  })

  it('shows the ledger, coupons, check-ins and referrals of a member', async () => {
    const ledger = (await ops().get(`/api/ops/members/${ids.A}/ledger?limit=3`)).body
    expect(ledger.items).toHaveLength(3)
    expect(ledger.items[0]).toMatchObject({
      type: 'earn',
      receiptNo: 'A-180',
      amountFen: 500_00,
      staffId: 'mi-clerk',
      storeId: 'MI',
      rulesVersion: 1,
    })
    expect(ledger.items[0].seq).toBeGreaterThan(ledger.items[1].seq)
    const older = (await ops().get(`/api/ops/members/${ids.A}/ledger?limit=50&beforeSeq=${ledger.nextBeforeSeq}`)).body
    expect(older.items.at(-1)).toMatchObject({ seq: 1, type: 'welcome' })
    expect(older.nextBeforeSeq).toBeNull()

    const b = await api.loginMember('mi-b')
    const day = 86_400_000
    const now = api.clock.now().getTime()
    const tid = await createTemplate(api, operator, {
      name: '洞察券',
      claimStart: new Date(now - day).toISOString(),
      claimEnd: new Date(now + day).toISOString(),
    })
    expect((await claim(api, b.accessToken, tid)).status).toBe(200)
    expect((await api.http.post('/api/me/checkin').set(bearer(b.accessToken)).send()).status).toBe(200)
    const coupons = (await ops().get(`/api/ops/members/${ids.B}/coupons`)).body
    expect(coupons).toMatchObject({ total: 1, items: [{ name: '洞察券', status: 'unused', state: 'active' }] })
    const checkins = (await ops().get(`/api/ops/members/${ids.B}/checkins`)).body
    expect(checkins).toMatchObject({
      total: 1,
      makeupCards: 0,
      items: [{ day: '2026-07-24', kind: 'daily', streak: 1 }],
    })

    const referrals = (await ops().get(`/api/ops/members/${ids.A}/referrals`)).body
    expect(referrals).toMatchObject({
      total: 1,
      totals: { invited: 1, rewarded: 0 },
      items: [{ inviteeId: ids.E, nickname: 'mi-e', status: 'registered' }],
      invitedBy: null,
    })
    expect((await ops().get(`/api/ops/members/${ids.E}/referrals`)).body.invitedBy).toMatchObject({ inviterId: ids.A })
  })

  it('adds and removes tags on the member, validated and audited', async () => {
    const tags = (body: unknown) => ops().post(`/api/ops/members/${ids.B}/tags`, body)
    const added = await tags({ add: ['VIP', '亲子', 'VIP'] })
    expect(added.status).toBe(200)
    expect(added.body).toEqual({ memberId: ids.B, tags: ['VIP', '亲子'] })
    expect((await tags({ remove: ['VIP', 'never-had'] })).body.tags).toEqual(['亲子'])
    expect((await ops().get(`/api/ops/members/${ids.B}`)).body.tags).toEqual(['亲子'])

    for (const bad of [
      {},
      { add: [] },
      { add: ['$ne'] },
      { add: ['x'.repeat(21)] },
      { add: ['a'], remove: ['a'] },
      { add: 'VIP' },
      { tags: ['a'] },
    ]) {
      const res = await tags(bad)
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 })
    }
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`)
    expect((await tags({ add: many })).status).toBe(200)
    const over = await tags({ add: ['t20', 't21', 't22', 't23', 't24', 't25', 't26', 't27', 't28', 't29'] })
    expect(over.status).toBe(422)
    expect(over.body.error.code).toBe('MEMBER.TOO_MANY_TAGS')
    expect((await tags({ remove: many })).body.tags).toEqual(['亲子'])

    const audit = (await ops().get('/api/ops/audit?action=POST%20/api/ops/members')).body.items
    expect(audit[0]).toMatchObject({
      staffId: 'mi-operator',
      action: 'POST /api/ops/members/:id/tags',
      target: { id: ids.B },
      outcome: 'ok',
    })
  })

  it('answers 404 for another member id and 400 for a malformed one; operators only', async () => {
    for (const path of ['', '/ledger', '/coupons', '/checkins', '/referrals']) {
      const res = await ops().get(`/api/ops/members/99999999${path}`)
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 404,
        code: 'MEMBER.NOT_FOUND',
      })
    }
    expect((await ops().post('/api/ops/members/99999999/tags', { add: ['x'] })).status).toBe(404)
    expect((await ops().get('/api/ops/members/bad%20id')).status).toBe(400)
    const manager = (await api.loginStaff('mi-manager', 'manager', 'MI')).accessToken
    expect((await api.http.get(`/api/ops/members/${ids.A}`).set(bearer(manager))).status).toBe(403)
    expect((await api.http.get('/api/ops/segments').set(bearer(manager))).status).toBe(403)
  })
})

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
    expect((await ops().get(`/api/ops/members/${ids.B}`)).body.birthdayMonth).toBe(7)
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
