import { bearer, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { type InsightMember, operatorCalls, startInsightMall } from '../support/member-insight-fixture'

/** Member profiles (RFM, lifecycle, churn risk), search and the detail page's tabs, on the fixture's five members. */
jest.setTimeout(180_000)

let api: TestApi
let operator: string
let ids: Record<InsightMember, string>
const ops = () => operatorCalls(api, operator)

beforeAll(async () => {
  ;({ api, ids, operator } = await startInsightMall())
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
      nickname: 'm**a',
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
      items: [{ inviteeId: ids.E, nickname: 'm**e', status: 'registered' }],
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
