import { bearer, startTestApi, type TestApi } from '../support/api-harness'

// A clerk scans the member code; the member pulls to refresh for the next till (or the clerk asks for
// a fresh code after a mistake): the refresh must show a code that scans, not the spent one again.
let api: TestApi
let staffToken: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
  staffToken = (await api.loginStaff('clerk-reissue', 'clerk', 'S1')).accessToken
})
afterAll(() => api.stop())

const resolve = (code: string) => api.http.post('/api/staff/member-code/resolve').set(bearer(staffToken)).send({ code })
const issue = (token: string) => api.http.get('/api/me/member-code').set(bearer(token))

describe('member code after a scan', () => {
  afterEach(() => api.clock.runFrom(new Date()))

  it('is replaced at once: the refresh after a scan gives a new code that scans', async () => {
    const login = await api.loginMember('reissue-once')
    api.clock.set('2026-11-23T10:00:05Z')
    const first = await issue(login.accessToken)
    expect((await resolve(first.body.code)).status).toBe(200)
    api.clock.set('2026-11-23T10:00:06Z')
    const second = await issue(login.accessToken)
    expect(second.status).toBe(200)
    expect(second.body.code).not.toBe(first.body.code)
    // still rotates with the clock like any code
    expect(second.body.refreshAt).toBe('2026-11-23T10:00:30.000Z')
    expect((await resolve(second.body.code)).status).toBe(200)
  })

  it('gives a fresh code for each of three scans within one step, then asks to wait', async () => {
    const login = await api.loginMember('reissue-thrice')
    api.clock.set('2026-11-23T12:00:01Z')
    const seen = new Set<string>()
    for (let scan = 0; scan < 3; scan++) {
      const { body } = await issue(login.accessToken)
      expect(seen.has(body.code)).toBe(false)
      seen.add(body.code)
      expect((await resolve(body.code)).status).toBe(200)
    }
    const fourth = await issue(login.accessToken)
    expect(fourth.status).toBe(429)
    expect(fourth.body.error.code).toBe('REQUEST.RATE_LIMITED')
    // the next step has a fresh code again
    api.clock.set('2026-11-23T12:01:31Z')
    const later = await issue(login.accessToken)
    expect(later.status).toBe(200)
    expect((await resolve(later.body.code)).status).toBe(200)
  })

  it('a code issued ahead of its step stays single-use under 20 racing scans', async () => {
    const login = await api.loginMember('reissue-race')
    api.clock.set('2026-11-23T14:00:01Z')
    expect((await resolve((await issue(login.accessToken)).body.code)).status).toBe(200)
    const ahead = (await issue(login.accessToken)).body.code as string
    const results = await Promise.all(Array.from({ length: 20 }, () => resolve(ahead)))
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(409)])
    // still accepted in the step it was signed for, not after its window
    api.clock.set('2026-11-23T14:01:31Z')
    const expired = await resolve(ahead)
    expect(expired.status).toBe(410)
  })
})
