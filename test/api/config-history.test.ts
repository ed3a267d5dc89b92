import type { TestApi } from '../support/api-harness'
import { configKit } from '../support/config-kit'
import { dbFingerprint } from '../support/db-fingerprint'
import { createTemplate } from '../support/coupon-helpers'
import { award, scan } from '../support/points-helpers'

jest.setTimeout(120_000)

/** Configuration with history: stores and coupon templates in the operator console. */
const kit = configKit()
const { get, post, put } = kit
let api: TestApi
let operator: string

beforeAll(async () => {
  ;({ api, operator } = await kit.start())
})
afterAll(() => api.stop())

const STORE = {
  name: '历史店',
  floor: 'L3',
  category: '餐饮',
  multiplierPermille: 1000,
  opensAt: '00:00',
  closesAt: '23:59',
  active: true,
}
describe('stores', () => {
  it(
    'creates, edits and lists versions who/when/before/after; ' + 'a new multiplier applies to the next purchase',
    async () => {
      const created = await post('/api/ops/stores', { id: 'HS1', ...STORE, note: '新店开业' })
      expect(created.status).toBe(201)
      expect(created.body).toEqual({ id: 'HS1', ...STORE, version: 1 })
      expect((await get('/api/ops/stores')).body.items).toContainEqual({ id: 'HS1', ...STORE, version: 1 })

      const clerkHs = (await api.loginStaff('cfg-clerk-hs1', 'clerk', 'HS1')).accessToken
      const member = await api.loginMember('cfg-member')
      const first = await award(api, clerkHs, {
        scanToken: await scan(api, member, clerkHs),
        receiptNo: 'H-1',
        amountFen: 100_00,
      })
      expect(first.status).toBe(200)

      const editedAt = api.clock.now().getTime()
      const edited = await put('/api/ops/stores/HS1', {
        ...STORE,
        multiplierPermille: 2000,
        version: 1,
        note: '周年庆',
      })
      expect(edited.status).toBe(200)
      expect(edited.body).toMatchObject({ multiplierPermille: 2000, version: 2 })
      // the purchase path caches stores; the edit dropped the cached copy
      const second = await award(api, clerkHs, {
        scanToken: await scan(api, member, clerkHs),
        receiptNo: 'H-2',
        amountFen: 100_00,
      })
      expect(second.body.breakdown.storeMultiplierPermille).toBe(2000)
      expect(second.body.points).toBe(first.body.points * 2)

      const history = (await get('/api/ops/stores/HS1/history')).body.items
      expect(history.map((v: { version: number }) => v.version)).toEqual([2, 1])
      expect(history[0]).toMatchObject({
        kind: 'store',
        entityId: 'HS1',
        changedBy: 'cfg-operator',
        note: '周年庆',
        before: STORE,
        after: { ...STORE, multiplierPermille: 2000 },
      })
      expect(Math.abs(Date.parse(history[0].changedAt) - editedAt)).toBeLessThan(5_000) // the test clock runs
      expect(history[1]).toMatchObject({ version: 1, before: null, after: STORE, note: '新店开业' })
    },
  )

  it('versions a store that predates the console from 0; a save without changes records nothing', async () => {
    const same = await put('/api/ops/stores/H1', {
      name: 'Store H1',
      floor: 'L1',
      category: '零售',
      multiplierPermille: 1000,
      opensAt: '00:00',
      closesAt: '23:59',
      active: true,
      version: 0,
    })
    expect(same.status).toBe(200)
    expect(same.body.version).toBe(0)
    expect((await get('/api/ops/stores/H1/history')).body.items).toEqual([])
  })

  it('refuses a stale version with 409 CONFIG.VERSION_CONFLICT and changes nothing', async () => {
    await post('/api/ops/stores', { id: 'HS2', ...STORE })
    expect((await put('/api/ops/stores/HS2', { ...STORE, name: '第一版', version: 1 })).status).toBe(200)
    const before = await dbFingerprint(api.conn)
    const stale = await put('/api/ops/stores/HS2', { ...STORE, name: '过期的修改', version: 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('CONFIG.VERSION_CONFLICT')
    expect(await dbFingerprint(api.conn)).toBe(before)
  })

  it('lets exactly one of several concurrent edits of the same version win', async () => {
    await post('/api/ops/stores', { id: 'HS3', ...STORE })
    const results = await Promise.all(
      [1100, 1200, 1300, 1400, 1500].map((m) =>
        put('/api/ops/stores/HS3', { ...STORE, multiplierPermille: m, version: 1 }),
      ),
    )
    const won = results.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(4)
    const stores = (await get('/api/ops/stores')).body.items as {
      id: string
      multiplierPermille: number
      version: number
    }[]
    expect(stores.find((s) => s.id === 'HS3')).toMatchObject({
      multiplierPermille: won[0]!.body.multiplierPermille,
      version: 2,
    })
    expect((await get('/api/ops/stores/HS3/history')).body.items).toHaveLength(2)
  })

  it('refuses bad input with 400 and unknown ids with 404, changing nothing', async () => {
    const before = await dbFingerprint(api.conn)
    const bad: [string, () => ReturnType<typeof post>][] = [
      ['id with a slash', () => post('/api/ops/stores', { id: 'a/b', ...STORE })],
      [
        'closing before opening',
        () => post('/api/ops/stores', { id: 'HBAD', ...STORE, opensAt: '22:00', closesAt: '10:00' }),
      ],
      ['negative multiplier', () => post('/api/ops/stores', { id: 'HBAD', ...STORE, multiplierPermille: -1 })],
      ['version missing', () => put('/api/ops/stores/H1', STORE)],
      ['unknown field', () => put('/api/ops/stores/H1', { ...STORE, version: 0, configVersion: 5 })],
      ['operator in a field', () => put('/api/ops/stores/H1', { ...STORE, name: { $ne: null }, version: 0 })],
      ['bad id in the path', () => put('/api/ops/stores/a%20b', { ...STORE, version: 0 })],
    ]
    for (const [what, send] of bad) expect({ what, status: (await send()).status }).toEqual({ what, status: 400 })
    expect((await put('/api/ops/stores/NOPE', { ...STORE, version: 0 })).status).toBe(404)
    expect((await get('/api/ops/stores/NOPE/history')).status).toBe(404)
    expect((await post('/api/ops/stores', { id: 'H1', ...STORE })).body.error.code).toBe('CONFIG.ALREADY_EXISTS')
    expect(await dbFingerprint(api.conn)).toBe(before)
  })
})

describe('coupon templates', () => {
  it('records creation and each status change; a stale version is refused', async () => {
    const id = await createTemplate(api, operator)
    const paused = await post(`/api/ops/coupon-templates/${id}/status`, {
      status: 'paused',
      version: 1,
      note: '库存盘点',
    })
    expect(paused.body).toEqual({ ok: true, status: 'paused', version: 2 })
    // older clients send no version: still recorded
    expect((await post(`/api/ops/coupon-templates/${id}/status`, { status: 'active' })).body.version).toBe(3)
    const stale = await post(`/api/ops/coupon-templates/${id}/status`, { status: 'paused', version: 2 })
    expect(stale.status).toBe(409)

    const history = (await get(`/api/ops/coupon-templates/${id}/history`)).body.items
    expect(history.map((v: { version: number }) => v.version)).toEqual([3, 2, 1])
    expect(history[1]).toMatchObject({
      kind: 'coupon_template',
      entityId: id,
      changedBy: 'cfg-operator',
      note: '库存盘点',
      before: { status: 'active', name: '满200减30' },
      after: { status: 'paused' },
    })
    expect(history[2]).toMatchObject({ before: null, after: { status: 'active', stock: 100 } })
    expect((await get('/api/ops/coupon-templates/999999/history')).status).toBe(404)
    expect((await get('/api/ops/coupon-templates/12ab/history')).status).toBe(400)
  })
})
