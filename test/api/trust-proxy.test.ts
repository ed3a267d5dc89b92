import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { auditModel } from '../../server/src/modules/audit/audit.model'

/**
 * TRUST_PROXY: behind N trusted proxies the server sees the client the nearest one reports (rate limits,
 * the staff audit log) and the scheme/host the client used (invite links); without it, forwarded
 * headers are anyone's to send and are ignored.
 */
let behindProxy: TestApi
let direct: TestApi
let members: { behind: string; direct: string }
beforeAll(async () => {
  const limits = { RATE_LOGIN_PER_MINUTE: '3' }
  ;[behindProxy, direct] = await Promise.all([
    startTestApi({ ...limits, TRUST_PROXY: '1' }),
    startTestApi({ ...limits, TRUST_PROXY: 'false' }),
  ])
  // Logged in before the tests spend the loopback address's login budget.
  members = {
    behind: (await behindProxy.loginMember('proxy-a')).accessToken,
    direct: (await direct.loginMember('proxy-b')).accessToken,
  }
})
afterAll(() => Promise.all([behindProxy?.stop(), direct?.stop()]))

// What a client sends through one proxy: its own (spoofable) claim, then the address the proxy saw.
const via = (client: string) => ({ 'X-Forwarded-For': `6.6.6.6, ${client}` })

const login = (api: TestApi, headers: Record<string, string>) =>
  api.http.post('/api/staff/auth/login').set(headers).send({ username: 'nobody', password: 'wrong password' })

describe('TRUST_PROXY', () => {
  it('behind one proxy: each client has its own login budget, whatever it claims further left', async () => {
    for (let i = 0; i < 3; i++) expect((await login(behindProxy, via('10.0.0.1'))).status).toBe(401)
    expect((await login(behindProxy, via('10.0.0.1'))).status).toBe(429)
    // Another client behind the same proxy still has its budget; a spoofed left-hand entry changes nothing.
    expect((await login(behindProxy, via('10.0.0.2'))).status).toBe(401)
    const spoofed = await login(behindProxy, { 'X-Forwarded-For': `10.0.0.9, 10.0.0.1` })
    expect(spoofed.status).toBe(429)
    expect(Number(spoofed.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('without it: X-Forwarded-For cannot buy a fresh budget', async () => {
    // The member login in beforeAll spent one of the loopback address's three.
    for (let i = 0; i < 2; i++) expect((await login(direct, via(`10.1.0.${i}`))).status).toBe(401)
    expect((await login(direct, via('10.1.0.99'))).status).toBe(429)
  })

  it('the audit log records the client address the proxy saw', async () => {
    await login(behindProxy, via('10.0.0.77'))
    await login(direct, via('10.0.0.78'))
    const ips = async (api: TestApi) => (await auditModel(api.conn).find({}).lean()).map((row) => row.ip)
    expect(await ips(behindProxy)).toContain('10.0.0.77')
    expect(await ips(direct)).not.toContain('10.0.0.78')
    expect(await ips(direct)).toContain('127.0.0.1')
  })

  it('invite links use the scheme and host the client used', async () => {
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'mall.example.cn' }
    const linkBehind = (await behindProxy.http.get('/api/me/invites').set(bearer(members.behind)).set(forwarded)).body
    const linkDirect = (await direct.http.get('/api/me/invites').set(bearer(members.direct)).set(forwarded)).body
    expect(linkBehind.link).toMatch(/^https:\/\/mall\.example\.cn\/\?inviter=/)
    expect(linkDirect.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?inviter=/)
  })
})
