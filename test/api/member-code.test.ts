import jwt from 'jsonwebtoken'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'

let api: TestApi
let staffToken: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
  staffToken = (await api.loginStaff('clerk-s1', 'clerk', 'S1')).accessToken
})
afterAll(() => api.stop())

const resolve = (code: string, token = staffToken) =>
  api.http.post('/api/staff/member-code/resolve').set(bearer(token)).send({ code })

describe('member card', () => {
  it('shows number, tier and balance of the caller only', async () => {
    const login = await api.loginMember('card-owner')
    const res = await api.http.get('/api/me/card').set(bearer(login.accessToken))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      memberNo: login.member.memberNo,
      tier: { level: 1 },
      pointsBalance: api.config.welcomeGift.points,
    })
  })

  it('has no route that takes another member id', async () => {
    const a = await api.loginMember('reader-a')
    const b = await api.loginMember('reader-b')
    for (const path of [`/api/members/${b.member.memberId}/card`, `/api/me/card?memberId=${b.member.memberId}`]) {
      const res = await api.http.get(path).set(bearer(a.accessToken))
      if (res.status === 200) expect(res.body.memberId).toBe(a.member.memberId)
      else expect(res.status).toBe(404)
    }
  })

  it('requires a member token', async () => {
    expect((await api.http.get('/api/me/card')).status).toBe(401)
    expect((await api.http.get('/api/me/card').set(bearer(staffToken))).status).toBe(401)
  })
})

describe('rotating member code', () => {
  it('is 19 digits, changes every 30-second step and says when to refresh', async () => {
    const login = await api.loginMember('rotating')
    api.clock.set('2026-11-23T10:00:05Z')
    const first = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    api.clock.set('2026-11-23T10:00:35Z')
    const second = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    api.clock.runFrom(new Date())
    expect(first.body.code).toMatch(/^1[0-9]{18}$/)
    expect(first.body.refreshAt).toBe('2026-11-23T10:00:30.000Z')
    expect(second.body.code).not.toBe(first.body.code)
    expect(first.headers['cache-control']).toBe('no-store')
  })

  it('resolves a fresh code to the member for staff, with a scan token', async () => {
    const login = await api.loginMember('scanned')
    const { body } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    const res = await resolve(body.code)
    expect(res.status).toBe(200)
    expect(res.body.member).toMatchObject({ memberId: login.member.memberId, tier: { level: 1 } })
    expect(res.body.member).not.toHaveProperty('phone')
    expect(res.body.scanToken).toEqual(expect.any(String))
    // The token carries what the award needs of the member, the wallet's head included (it spares the
    // award a member-row read wherever it is served), sealed: staff cannot read the member's wallet.
    const claims = jwt.decode(res.body.scanToken) as { tier: number; invited: boolean; head: string }
    expect(claims).toMatchObject({ tier: 1, invited: false, head: expect.any(String) })
    expect(res.body.scanToken).not.toMatch(/balance|lifetime|spend/)
    expect(Buffer.from(claims.head, 'base64url').toString('latin1')).not.toMatch(/balance|lifetime|spend/)
    expect(api.ctx.tokens.unseal(claims.head)).toMatchObject({
      seq: expect.any(Number),
      state: { balance: res.body.member.pointsBalance },
    })
    // Anything changed or sealed under another key opens to nothing.
    const flipped = Buffer.from(claims.head, 'base64url')
    flipped[flipped.length - 1]! ^= 1
    expect(api.ctx.tokens.unseal(flipped.toString('base64url'))).toBeUndefined()
    expect(api.ctx.tokens.unseal({ seq: 1 })).toBeUndefined()
  })

  it('leaves a large wallet out of the scan token (the award reads the member row then)', async () => {
    const login = await api.loginMember('many-months')
    const memberId = login.member.memberId
    // Points earned in 40 different months: a lot each, a state of several KB.
    for (let m = 0; m < 40; m++) {
      const earnedMonth = `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
      await api.ctx.services.ledger.post({
        memberId,
        eventKey: `months:${memberId}:${m}`,
        type: 'adjust',
        now: api.clock.now(),
        plan: () => ({ op: { kind: 'credit', points: 1, earnedMonth, expiryMonths: 60 } }),
      })
    }
    const { body } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    const res = await resolve(body.code)
    expect(res.status).toBe(200)
    expect(jwt.decode(res.body.scanToken)).not.toHaveProperty('head')
    expect(res.body.scanToken.length).toBeLessThan(1_000)
  })

  it('accepts a code from the previous step but not older ones', async () => {
    const login = await api.loginMember('late-scan')
    api.clock.set('2026-11-23T11:00:01Z')
    const { body: oneStep } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    api.clock.set('2026-11-23T11:00:31Z')
    const { body: twoSteps } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    api.clock.set('2026-11-23T11:01:05Z')
    const late = await resolve(twoSteps.code)
    const tooLate = await resolve(oneStep.code)
    api.clock.runFrom(new Date())
    expect(late.status).toBe(200)
    expect(tooLate.status).toBe(410)
    expect(tooLate.body.error.code).toBe('MEMBER_CODE.EXPIRED')
  })

  it('rejects a tampered code', async () => {
    const login = await api.loginMember('tampered')
    const { body } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    const other = await api.loginMember('victim')
    // Put another member's number into a valid code: the signature no longer matches.
    const forged = `1${other.member.memberId}${body.code.slice(9)}`
    const lastDigit = (Number(body.code.at(-1)) + 1) % 10
    for (const code of [forged, body.code.slice(0, -1) + lastDigit, '123', 'x'.repeat(19)]) {
      const res = await resolve(code)
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe(
        code.length === 19 && /^\d+$/.test(code) ? 'MEMBER_CODE.INVALID' : 'MEMBER_CODE.INVALID',
      )
    }
  })

  it('works once: a replayed scan is refused, even by two staff racing', async () => {
    const login = await api.loginMember('replayed')
    const other = (await api.loginStaff('clerk2-s1', 'clerk', 'S1')).accessToken
    const { body } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    const results = await Promise.all([resolve(body.code), resolve(body.code, other), resolve(body.code)])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409])
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'MEMBER_CODE.USED')).toBe(true)
  })

  it('cannot be resolved with a member token', async () => {
    const login = await api.loginMember('self-scan')
    const { body } = await api.http.get('/api/me/member-code').set(bearer(login.accessToken))
    const res = await resolve(body.code, login.accessToken)
    expect(res.status).toBe(401)
  })
})
