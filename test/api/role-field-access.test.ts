import { bearer, startTestApi, type TestApi } from '../support/api-harness'

/**
 * Role-based field access at the till (docs/privacy-security.md): a clerk who scans a member's code sees the tier
 * and points, not the phone number; a store manager sees the phone masked. The scan works the same for both.
 */
let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1', '星巴克')
})
afterAll(() => api.stop())

async function scanAs(staffToken: string, member: Awaited<ReturnType<TestApi['loginMember']>>) {
  api.clock.advance(30_000) // a fresh code for each scan
  const code = await api.http.get('/api/me/member-code').set(bearer(member.accessToken))
  return api.http.post('/api/staff/member-code/resolve').set(bearer(staffToken)).send({ code: code.body.code })
}

describe('role-based field access at the till', () => {
  it('a clerk gets tier and points but no phone; a manager gets the phone masked', async () => {
    const member = await api.loginMember('field-access-alice')
    const bind = await api.http
      .post('/api/me/phone')
      .set(bearer(member.accessToken))
      .send({ code: api.wechat.phoneCode('13812345678') })
    expect(bind.status).toBe(200)
    const clerk = await api.loginStaff('fa-clerk', 'clerk', 'S1')
    const manager = await api.loginStaff('fa-manager', 'manager', 'S1')

    const byClerk = await scanAs(clerk.accessToken, member)
    expect(byClerk.status).toBe(200)
    expect(byClerk.body.member).not.toHaveProperty('phoneMasked')
    expect(JSON.stringify(byClerk.body)).not.toContain('5678')
    expect(byClerk.body.member.tier.name).toBe('普通会员')
    expect(byClerk.body.member.pointsBalance).toBe(api.config.welcomeGift.points)
    expect(byClerk.body.scanToken).toEqual(expect.any(String))

    const byManager = await scanAs(manager.accessToken, member)
    expect(byManager.status).toBe(200)
    expect(byManager.body.member.phoneMasked).toBe('138****5678')
  })
})
