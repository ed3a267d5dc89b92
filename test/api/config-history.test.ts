import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { createTemplate } from '../support/coupon-helpers'
import { award, scan } from '../support/points-helpers'
import { StaffService } from '../../server/src/modules/staff/staff.service'

jest.setTimeout(120_000)

/** Configuration with history: stores, staff accounts and coupon templates in the operator console. */
let api: TestApi
let operator: string
let clerk: string
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('H1')
  operator = (await api.loginStaff('cfg-operator', 'operator', null)).accessToken
  clerk = (await api.loginStaff('cfg-clerk', 'clerk', 'H1')).accessToken
})
afterAll(() => api.stop())

const get = (path: string, token = operator) => api.http.get(path).set(bearer(token))
const post = (path: string, body: unknown, token = operator) =>
  api.http
    .post(path)
    .set(bearer(token))
    .send(body as object)
const put = (path: string, body: unknown, token = operator) =>
  api.http
    .put(path)
    .set(bearer(token))
    .send(body as object)
const login = (username: string, password = PASSWORD) =>
  api.http.post('/api/staff/auth/login').send({ username, password })

const STORE = {
  name: '历史店',
  floor: 'L3',
  category: '餐饮',
  multiplierPermille: 1000,
  opensAt: '00:00',
  closesAt: '23:59',
  active: true,
}
const newStaff = (username: string, over: Record<string, unknown> = {}) => ({
  username,
  displayName: `员工${username}`,
  role: 'clerk',
  storeId: 'H1',
  password: PASSWORD,
  ...over,
})
const staffEdit = (over: Record<string, unknown>) => ({
  displayName: '改名',
  role: 'clerk',
  storeId: 'H1',
  active: true,
  ...over,
})

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

describe('staff accounts', () => {
  it('creates an account that can log in; edits are versioned without any password hash', async () => {
    const created = await post('/api/ops/staff', newStaff('Cfg-New', { note: '新入职' }))
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      username: 'cfg-new',
      displayName: '员工Cfg-New',
      role: 'clerk',
      storeId: 'H1',
      active: true,
      lockedUntil: null,
      version: 1,
    })
    expect((await login('cfg-new')).status).toBe(200)

    const promoted = await put(
      '/api/ops/staff/cfg-new',
      staffEdit({ role: 'manager', password: 'a brand new secret', version: 1 }),
    )
    expect(promoted.status).toBe(200)
    expect(promoted.body).toMatchObject({ role: 'manager', displayName: '改名', version: 2 })
    expect((await login('cfg-new')).status).toBe(401)
    expect((await login('cfg-new', 'a brand new secret')).body.staff.role).toBe('manager')

    const history = (await get('/api/ops/staff/cfg-new/history')).body.items
    expect(history).toHaveLength(2)
    expect(history[0]).toMatchObject({
      version: 2,
      before: { role: 'clerk', displayName: '员工Cfg-New' },
      after: { role: 'manager', passwordChanged: true },
    })
    expect(history[1]).toMatchObject({ version: 1, before: null, note: '新入职', after: { passwordChanged: true } })
  })

  it('never puts a password hash in an answer or in the stored history', async () => {
    await post('/api/ops/staff', newStaff('cfg-hash'))
    await put('/api/ops/staff/cfg-hash', staffEdit({ password: 'another long secret', version: 1 }))
    const answers = [
      await get('/api/ops/staff'),
      await get('/api/ops/staff/cfg-hash/history'),
      await put('/api/ops/staff/cfg-hash', staffEdit({ displayName: 'x', version: 2 })),
    ]
    for (const res of answers) {
      expect(res.status).toBe(200)
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash|another long secret/)
    }
    const stored = await api.conn.db!.collection('config_versions').find({}).toArray()
    expect(stored.length).toBeGreaterThan(0)
    expect(JSON.stringify(stored)).not.toMatch(/argon2|passwordHash|secret"/)
  })

  it('a deactivated account can neither log in nor refresh', async () => {
    await post('/api/ops/staff', newStaff('cfg-leaver'))
    const session = (await login('cfg-leaver')).body
    expect((await put('/api/ops/staff/cfg-leaver', staffEdit({ active: false, version: 1 }))).status).toBe(200)
    const refused = await login('cfg-leaver')
    expect(refused.status).toBe(401)
    expect(refused.body.error.code).toBe('AUTH.BAD_CREDENTIALS')
    expect((await api.http.post('/api/staff/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(
      401,
    )
    expect(
      (await get('/api/ops/staff')).body.items.find((s: { username: string }) => s.username === 'cfg-leaver').active,
    ).toBe(false)
  })

  it('an operator cannot deactivate or demote themselves; another operator can be changed', async () => {
    const self = { displayName: '运营', role: 'operator', storeId: null, active: true, version: 0 }
    for (const change of [{ active: false }, { role: 'manager', storeId: 'H1' }]) {
      const res = await put('/api/ops/staff/cfg-operator', { ...self, ...change })
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('STAFF.SELF_LOCKOUT')
    }
    expect((await login('cfg-operator')).status).toBe(200)
    expect((await put('/api/ops/staff/cfg-operator', { ...self, displayName: '运营主管' })).body.version).toBe(1)

    await post('/api/ops/staff', newStaff('cfg-op2', { role: 'operator', storeId: null }))
    expect((await put('/api/ops/staff/cfg-op2', { ...self, active: false, version: 1 })).status).toBe(200)
  })

  it('stale and concurrent edits: exactly one wins, the others get 409', async () => {
    await post('/api/ops/staff', newStaff('cfg-race'))
    const results = await Promise.all(
      ['甲', '乙', '丙'].map((name) => put('/api/ops/staff/cfg-race', staffEdit({ displayName: name, version: 1 }))),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409])
    const stale = await put('/api/ops/staff/cfg-race', staffEdit({ displayName: '丁', version: 1 }))
    expect(stale.body.error.code).toBe('CONFIG.VERSION_CONFLICT')
    expect((await get('/api/ops/staff/cfg-race/history')).body.items).toHaveLength(2)
  })

  it('rolls forward a change that was recorded but not applied (a crash in between), password included', async () => {
    await post('/api/ops/staff', newStaff('cfg-crash'))
    const after = { displayName: '崩溃后', role: 'manager', storeId: 'H1', active: true, passwordChanged: true }
    const versions = api.conn.db!.collection<{ _id: string; secret?: string } & Record<string, unknown>>(
      'config_versions',
    )
    await versions.insertOne({
      _id: 'staff:cfg-crash:2',
      kind: 'staff',
      entityId: 'cfg-crash',
      version: 2,
      changedBy: 'cfg-operator',
      changedAt: new Date(),
      before: null,
      after,
      note: '',
      secret: await StaffService.hashPassword('set before the crash'),
    })
    // the edit was made from version 1 too: it lost, and reading for it applied version 2
    expect((await put('/api/ops/staff/cfg-crash', staffEdit({ version: 1 }))).body.error.code).toBe(
      'CONFIG.VERSION_CONFLICT',
    )
    expect(
      (await get('/api/ops/staff')).body.items.find((a: { username: string }) => a.username === 'cfg-crash'),
    ).toMatchObject({ displayName: '崩溃后', version: 2 })
    expect((await login('cfg-crash', 'set before the crash')).status).toBe(200)
    expect((await versions.findOne({ _id: 'staff:cfg-crash:2' }))?.secret).toBeUndefined()
  })

  it(
    'refuses bad input with 400, unknown accounts and stores ' +
      'with 404, and non-operators with 403, changing nothing',
    async () => {
      const before = await dbFingerprint(api.conn)
      const bad: [string, () => ReturnType<typeof post>][] = [
        ['short password', () => post('/api/ops/staff', newStaff('cfg-bad', { password: 'short' }))],
        ['clerk without a store', () => post('/api/ops/staff', newStaff('cfg-bad', { storeId: null }))],
        ['operator with a store', () => post('/api/ops/staff', newStaff('cfg-bad', { role: 'operator' }))],
        ['unknown role', () => post('/api/ops/staff', newStaff('cfg-bad', { role: 'admin' }))],
        ['bad username', () => post('/api/ops/staff', newStaff('no spaces'))],
        ['password hash smuggled in', () => post('/api/ops/staff', newStaff('cfg-bad', { passwordHash: 'x' }))],
        ['empty display name', () => put('/api/ops/staff/cfg-clerk', staffEdit({ displayName: '   ', version: 0 }))],
        ['upper case id in the path', () => put('/api/ops/staff/CFG-CLERK', staffEdit({ version: 0 }))],
      ]
      for (const [what, send] of bad) expect({ what, status: (await send()).status }).toEqual({ what, status: 400 })
      expect((await put('/api/ops/staff/nobody', staffEdit({ version: 0 }))).status).toBe(404)
      expect((await get('/api/ops/staff/nobody/history')).status).toBe(404)
      expect((await post('/api/ops/staff', newStaff('cfg-bad', { storeId: 'NOPE' }))).status).toBe(404)
      expect((await post('/api/ops/staff', newStaff('cfg-clerk'))).body.error.code).toBe('CONFIG.ALREADY_EXISTS')
      expect((await get('/api/ops/staff', clerk)).status).toBe(403)
      expect((await post('/api/ops/staff', newStaff('cfg-bad'), clerk)).status).toBe(403)
      expect(await dbFingerprint(api.conn)).toBe(before)
    },
  )
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
