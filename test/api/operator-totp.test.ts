import fc from 'fast-check'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { totpCodeAt } from '../../server/src/modules/auth/operator-totp'
import { staffModel } from '../../server/src/modules/staff/staff.model'

/**
 * Operators' second factor: enrolment at the first password login (QR code, first code, recovery codes), login
 * with a code, wrong and replayed codes refused (also by 20 logins racing with one code), single-use recovery
 * codes, wrong codes counting towards the lockout, and the idle timeout of an operator's session.
 */
let api: TestApi
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  api = await startTestApi({ OPERATOR_TOTP: 'true', OPERATOR_IDLE_MINUTES: '30' })
  await api.ctx.services.staff.create({
    username: 'op-first',
    password: PASSWORD,
    displayName: '运营一',
    role: 'operator',
    storeId: null,
  })
})
afterAll(() => api.stop())

const login = (body: Record<string, string>) =>
  api.http.post('/api/staff/auth/login').send({ username: 'op-first', password: PASSWORD, ...body })

/** Enrols `username` and returns its secret and recovery codes. */
async function enrol(username: string) {
  const start = await api.http.post('/api/staff/auth/totp/start').send({ username, password: PASSWORD })
  expect(start.status).toBe(200)
  const { secret, enrolToken } = start.body
  const confirm = await api.http
    .post('/api/staff/auth/totp/confirm')
    .send({ enrolToken, code: totpCodeAt(username, secret, api.clock.now()) })
  expect(confirm.status).toBe(200)
  return { secret: secret as string, recoveryCodes: confirm.body.recoveryCodes as string[], confirm }
}

describe('operator TOTP', () => {
  it('refuses an operator without a second factor, then enrols one with a QR code and recovery codes', async () => {
    const first = await login({})
    expect(first.status).toBe(401)
    expect(first.body.error.code).toBe('AUTH.TOTP_ENROL_REQUIRED')

    const wrongPassword = await api.http
      .post('/api/staff/auth/totp/start')
      .send({ username: 'op-first', password: 'wrong password!' })
    expect(wrongPassword.status).toBe(401)

    const start = await api.http.post('/api/staff/auth/totp/start').send({ username: 'op-first', password: PASSWORD })
    expect(start.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/)
    expect(start.body.qrSvgDataUrl).toMatch(/^data:image\/svg\+xml;base64,/)
    const wrong = await api.http
      .post('/api/staff/auth/totp/confirm')
      .send({ enrolToken: start.body.enrolToken, code: '000000' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('AUTH.TOTP_INVALID')
    const row = await staffModel(api.conn).findById('op-first').lean().exec()
    expect(row!.totp).toBeNull()

    const code = totpCodeAt('op-first', start.body.secret, api.clock.now())
    const confirm = await api.http
      .post('/api/staff/auth/totp/confirm')
      .send({ enrolToken: start.body.enrolToken, code })
    expect(confirm.status).toBe(200)
    expect(confirm.body.staff.role).toBe('operator')
    expect(confirm.body.recoveryCodes).toHaveLength(10)
    const stored = (await staffModel(api.conn).findById('op-first').lean().exec())!.totp!
    expect(stored.secretSealed).not.toContain(start.body.secret)
    expect(stored.recoveryHashes).not.toContain(confirm.body.recoveryCodes[0])

    // The token is spent: a second enrolment finds the factor set.
    api.clock.advance(31_000)
    const again = await api.http
      .post('/api/staff/auth/totp/confirm')
      .send({ enrolToken: start.body.enrolToken, code: totpCodeAt('op-first', start.body.secret, api.clock.now()) })
    expect(again.status).toBe(403)
    const restart = await api.http.post('/api/staff/auth/totp/start').send({ username: 'op-first', password: PASSWORD })
    expect(restart.status).toBe(403)
  })

  it('logs in with password and code; no code, a wrong code and a replayed code are refused', async () => {
    const row = (await staffModel(api.conn).findById('op-first').lean().exec())!
    const secret = api.ctx.tokens.unseal(row.totp!.secretSealed) as string
    api.clock.advance(31_000)

    const none = await login({})
    expect(none.body.error.code).toBe('AUTH.TOTP_REQUIRED')
    const wrong = await login({
      totp: '123456' === totpCodeAt('op-first', secret, api.clock.now()) ? '654321' : '123456',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('AUTH.TOTP_INVALID')

    const code = totpCodeAt('op-first', secret, api.clock.now())
    const ok = await login({ totp: code })
    expect(ok.status).toBe(200)
    const rules = await api.http.get('/api/ops/rules').set(bearer(ok.body.accessToken))
    expect(rules.status).toBe(200)

    const replay = await login({ totp: code })
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('AUTH.TOTP_REPLAYED')
  })

  it('20 logins racing with one code: exactly one session', async () => {
    const row = (await staffModel(api.conn).findById('op-first').lean().exec())!
    const secret = api.ctx.tokens.unseal(row.totp!.secretSealed) as string
    for (let round = 0; round < 2; round++) {
      api.clock.advance(31_000)
      const code = totpCodeAt('op-first', secret, api.clock.now())
      const results = await Promise.all(Array.from({ length: 20 }, () => login({ totp: code })))
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      // The losers were refused as replays; five of them lock the account (a replayed code is a stolen code).
      const refusals = new Set(results.filter((r) => r.status !== 200).map((r) => r.body.error.code))
      expect([...refusals].every((c) => c === 'AUTH.TOTP_REPLAYED' || c === 'AUTH.LOCKED')).toBe(true)
      expect(refusals.has('AUTH.TOTP_REPLAYED')).toBe(true)
      await staffModel(api.conn).updateOne({ _id: 'op-first' }, { $set: { failedLogins: 0, lockedUntil: null } })
    }
  })

  it('a recovery code logs in once', async () => {
    await api.ctx.services.staff.create({
      username: 'op-lost-phone',
      password: PASSWORD,
      displayName: '运营二',
      role: 'operator',
      storeId: null,
    })
    const { recoveryCodes } = await enrol('op-lost-phone')
    const as = (recoveryCode: string) =>
      api.http.post('/api/staff/auth/login').send({ username: 'op-lost-phone', password: PASSWORD, recoveryCode })
    const first = await as(recoveryCodes[3]!.toLowerCase())
    expect(first.status).toBe(200)
    const reused = await as(recoveryCodes[3]!)
    expect(reused.body.error.code).toBe('AUTH.TOTP_REPLAYED')
    const madeUp = await as('ABCD-EFGH-JK')
    expect(madeUp.body.error.code).toBe('AUTH.TOTP_INVALID')
    expect((await as(recoveryCodes[4]!)).status).toBe(200)
  })

  it('wrong codes count towards the lockout', async () => {
    await api.ctx.services.staff.create({
      username: 'op-guessed',
      password: PASSWORD,
      displayName: '运营三',
      role: 'operator',
      storeId: null,
    })
    const { secret } = await enrol('op-guessed')
    const real = totpCodeAt('op-guessed', secret, api.clock.now())
    const guesses = ['111111', '222222', '333333', '444444', '555555', '666666'].filter((g) => g !== real)
    for (const totp of guesses.slice(0, 5))
      await api.http.post('/api/staff/auth/login').send({ username: 'op-guessed', password: PASSWORD, totp })
    api.clock.advance(31_000)
    const locked = await api.http
      .post('/api/staff/auth/login')
      .send({ username: 'op-guessed', password: PASSWORD, totp: totpCodeAt('op-guessed', secret, api.clock.now()) })
    expect(locked.status).toBe(423)
    expect(locked.body.error.code).toBe('AUTH.LOCKED')
  })

  it("clerks and managers log in by password; an operator's session ends after 30 idle minutes", async () => {
    await api.addStore('S1')
    const clerk = await api.loginStaff('clerk-plain', 'clerk', 'S1')
    expect(clerk.accessToken).toBeTruthy()

    const row = (await staffModel(api.conn).findById('op-first').lean().exec())!
    const secret = api.ctx.tokens.unseal(row.totp!.secretSealed) as string
    api.clock.advance(31_000)
    const session = (await login({ totp: totpCodeAt('op-first', secret, api.clock.now()) })).body
    api.clock.advance(20 * 60_000)
    const renewed = await api.http.post('/api/staff/auth/refresh').send({ refreshToken: session.refreshToken })
    expect(renewed.status).toBe(200)
    api.clock.advance(31 * 60_000)
    const idle = await api.http.post('/api/staff/auth/refresh').send({ refreshToken: renewed.body.refreshToken })
    expect(idle.status).toBe(401)
    expect(idle.body.error.code).toBe('AUTH.TOKEN_EXPIRED')
    // A clerk's session is not cut by the operators' idle timeout.
    const clerkRefresh = await api.http.post('/api/staff/auth/refresh').send({ refreshToken: clerk.refreshToken })
    expect(clerkRefresh.status).toBe(200)
  })

  // The fuzz rows of the two public enrolment routes (test/api/fuzz.test.ts covers routes with a caller token).
  it.each([
    ['/api/staff/auth/totp/start', { username: 'nobody-here', password: PASSWORD }],
    ['/api/staff/auth/totp/confirm', { enrolToken: 'not-a-token', code: '123456' }],
  ])('fuzzing %s: no 5xx, refused requests change nothing', async (route, valid) => {
    const evil = fc.oneof(
      fc.constantFrom<unknown>({ $ne: null }, { $gt: '' }, null, true, [], {}, '', -1, 1.5, 'x'.repeat(5_000)),
      fc.string({ maxLength: 40 }),
      fc.object({ maxDepth: 2 }),
    )
    const keys = [...Object.keys(valid), 'role', 'totp', '__proto__']
    const bodies = fc.sample(
      fc.record({ key: fc.constantFrom(...keys), value: evil }).map(({ key, value }) => ({ ...valid, [key]: value })),
      { numRuns: 60, seed: 20261206 },
    )
    const before = await dbFingerprint(api.conn)
    for (const body of bodies) {
      const res = await api.http.post(route).send(body)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(res.body.error.code).toEqual(expect.any(String))
    }
    expect(await dbFingerprint(api.conn)).toBe(before)
  })
})
