import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'

/**
 * The console's coupon template list (stock, claimed, redeemed net of undos, status) and the edit of
 * a live template (name, claim end, raised stock), over HTTP against the embedded database.
 */
jest.setTimeout(120_000)
let api: TestApi
let operator: string
let clerk: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('T1')
  operator = (await api.loginStaff('op-tpl', 'operator', null)).accessToken
  clerk = (await api.loginStaff('clerk-tpl', 'clerk', 'T1')).accessToken
})
afterAll(() => api.stop())

const overview = async () =>
  (await api.http.get('/api/ops/coupon-templates/overview').set(bearer(operator))).body.items as {
    _id: string
    name: string
    stock: number | null
    claimed: number
    redeemed: number
    status: string
    version: number
    headline: string
  }[]
const edit = (id: string, body: Record<string, unknown>, token = operator) =>
  api.http.put(`/api/ops/coupon-templates/${id}`).set(bearer(token)).send(body)

async function codeOf(memberToken: string, couponId: string): Promise<string> {
  const res = await api.http.get(`/api/me/coupons/${encodeURIComponent(couponId)}/code`).set(bearer(memberToken))
  return res.body.code as string
}

describe('coupon template overview', () => {
  it('lists every template with claimed and redeemed counts, an undone redemption not counted', async () => {
    const id = await createTemplate(api, operator, { name: '概览券', stock: 5 })
    const unlimited = await createTemplate(api, operator, { name: '不限量券', stock: null })
    const members = await Promise.all(['ov-a', 'ov-b', 'ov-c'].map((n) => api.loginMember(n)))
    const coupons = []
    for (const m of members) coupons.push((await claim(api, m.accessToken, id)).body.couponId as string)
    await claim(api, members[0]!.accessToken, unlimited)
    for (const i of [0, 1]) {
      const res = await api.http
        .post('/api/staff/coupons/redeem')
        .set(bearer(clerk))
        .send({ code: await codeOf(members[i]!.accessToken, coupons[i]!) })
      expect(res.status).toBe(200)
    }
    const undo = await api.http
      .post(`/api/staff/coupons/${encodeURIComponent(coupons[1]!)}/undo`)
      .set(bearer(clerk))
      .send({})
    expect(undo.status).toBe(200)

    const rows = await overview()
    expect(rows.find((r) => r._id === id)).toMatchObject({
      name: '概览券',
      stock: 5,
      claimed: 3,
      redeemed: 1,
      status: 'active',
      version: 1,
      headline: expect.any(String),
    })
    expect(rows.find((r) => r._id === unlimited)).toMatchObject({ stock: null, claimed: 1, redeemed: 0 })
    // newest first
    expect(rows.findIndex((r) => r._id === unlimited)).toBeLessThan(rows.findIndex((r) => r._id === id))
  })

  it('is for operators only', async () => {
    expect((await api.http.get('/api/ops/coupon-templates/overview').set(bearer(clerk))).status).toBe(403)
    expect((await api.http.get('/api/ops/coupon-templates/overview')).status).toBe(401)
  })
})

describe('editing a template', () => {
  const claimEnd = '2099-01-01T00:00:00.000+08:00'

  it('renames, moves the claim end and raises the stock, recorded as a version', async () => {
    const id = await createTemplate(api, operator, { name: '旧名', stock: 2 })
    const res = await edit(id, { name: '新名', claimEnd, stock: 3, version: 1, note: '加量' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ _id: id, name: '新名', stock: 3, version: 2, claimEnd })
    // the raised stock is claimable at once (the template cache was told)
    for (const n of ['ed-a', 'ed-b', 'ed-c'])
      expect((await claim(api, (await api.loginMember(n)).accessToken, id)).status).toBe(200)
    const fourth = await claim(api, (await api.loginMember('ed-d')).accessToken, id)
    expect(fourth.body.error.code).toBe('COUPON.SOLD_OUT')
    const history = (await api.http.get(`/api/ops/coupon-templates/${id}/history`).set(bearer(operator))).body.items
    expect(history[0]).toMatchObject({ version: 2, changedBy: 'op-tpl', note: '加量' })
    expect(history[0].after).toMatchObject({ name: '新名', stock: 3 })
  })

  it('refuses a lower stock, a cap on an unlimited template, an end before the start, a stale version', async () => {
    const id = await createTemplate(api, operator, { stock: 10 })
    const lower = await edit(id, { name: 'x', claimEnd, stock: 9, version: 1 })
    expect([lower.status, lower.body.error.code]).toEqual([400, 'VALIDATION.FAILED'])
    const unlimited = await createTemplate(api, operator, { stock: null })
    const capped = await edit(unlimited, { name: 'x', claimEnd, stock: 100, version: 1 })
    expect([capped.status, capped.body.error.code]).toEqual([400, 'VALIDATION.FAILED'])
    const early = await edit(id, { name: 'x', claimEnd: '2020-01-01T00:00:00.000Z', stock: 10, version: 1 })
    expect([early.status, early.body.error.code]).toEqual([400, 'VALIDATION.FAILED'])
    const stale = await edit(id, { name: 'x', claimEnd, stock: 10, version: 0 })
    expect([stale.status, stale.body.error.code]).toEqual([409, 'CONFIG.VERSION_CONFLICT'])
    expect((await edit(id, { name: 'x', claimEnd, stock: 10, version: 1 }, clerk)).status).toBe(403)
    expect((await edit('123', { name: 'x', claimEnd, stock: 10, version: 1 })).status).toBe(400)
    expect((await edit('999999', { name: 'x', claimEnd, stock: 10, version: 1 })).status).toBe(404)
    // nothing changed by the refusals
    expect((await overview()).find((r) => r._id === id)).toMatchObject({ stock: 10, version: 1 })
  })

  it('of 20 concurrent edits from the same version exactly one is applied (rounds of 3)', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await createTemplate(api, operator, { stock: 10 })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => edit(id, { name: `并发${i}`, claimEnd, stock: 10 + i + 1, version: 1 })),
      )
      const ok = results.filter((r) => r.status === 200)
      expect(ok).toHaveLength(1)
      expect(results.filter((r) => r.status === 409)).toHaveLength(19)
      const row = (await overview()).find((r) => r._id === id)
      expect(row).toMatchObject({ name: ok[0]!.body.name, stock: ok[0]!.body.stock, version: 2 })
    }
  })
})
