import type { TestApi } from '../support/api-harness'
import { PASSWORD, configKit } from '../support/config-kit'
import { dbFingerprint } from '../support/db-fingerprint'
import { StaffService } from '../../server/src/modules/staff/staff.service'

jest.setTimeout(120_000)

/** Configuration with history: staff accounts in the operator console. */
const kit = configKit()
const { get, post, put, login } = kit
let api: TestApi
let clerk: string

beforeAll(async () => {
  ;({ api, clerk } = await kit.start())
})
afterAll(() => api.stop())

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
