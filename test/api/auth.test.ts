import { bearer, startTestApi, type TestApi } from '../support/api-harness'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

describe('WeChat login (code2session against the local WeChat stub)', () => {
  it('registers a new member with a member number, tier 1 and the welcome points', async () => {
    const code = api.wechat.loginCode({ openid: 'o-new-1', unionid: 'u-new-1' })
    const res = await api.http.post('/api/auth/wechat-login').send({ code })
    expect(res.status).toBe(200)
    expect(res.body.isNewMember).toBe(true)
    expect(res.body.member.memberNo).toMatch(/^[1-9][0-9]{7}$/)
    expect(res.body.member.tier).toEqual({ level: 1, name: '普通会员' })
    expect(res.body.member.pointsBalance).toBe(api.config.welcomeGift.points)
    expect(res.body.expiresIn).toBe(api.config.auth.accessTokenTtlSeconds)
  })

  it('returns the same member on a later login, without a second welcome gift', async () => {
    const first = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-ret' }) })
    const second = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-ret' }) })
    expect(second.status).toBe(200)
    expect(second.body.isNewMember).toBe(false)
    expect(second.body.member.memberId).toBe(first.body.member.memberId)
    expect(second.body.member.pointsBalance).toBe(api.config.welcomeGift.points)
  })

  it('creates exactly one member when the same new user logs in 5 times at once', async () => {
    const codes = Array.from({ length: 5 }, () => api.wechat.loginCode({ openid: 'o-race' }))
    const results = await Promise.all(codes.map((code) => api.http.post('/api/auth/wechat-login').send({ code })))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    const ids = new Set(results.map((r) => r.body.member.memberId))
    expect(ids.size).toBe(1)
    const card = await api.http.get('/api/me/card').set(bearer(results[0]!.body.accessToken))
    expect(card.body.pointsBalance).toBe(api.config.welcomeGift.points)
  })

  it('rejects an unknown code with AUTH.CODE_INVALID (WeChat 40029)', async () => {
    const res = await api.http.post('/api/auth/wechat-login').send({ code: 'never-issued' })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('AUTH.CODE_INVALID')
    expect(res.body.error.requestId).toBeTruthy()
  })

  it('accepts a code once: the replay is refused before WeChat is asked', async () => {
    const code = api.wechat.loginCode({ openid: 'o-replay' })
    expect((await api.http.post('/api/auth/wechat-login').send({ code })).status).toBe(200)
    const calls = api.wechat.requests.length
    const replay = await api.http.post('/api/auth/wechat-login').send({ code })
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('AUTH.CODE_USED')
    expect(api.wechat.requests.length).toBe(calls)
  })

  it('maps WeChat 45011 to 429 and a busy WeChat (-1) to 503', async () => {
    api.wechat.failNextLogin(45011)
    const limited = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-x' }) })
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('AUTH.WECHAT_RATE_LIMITED')
    api.wechat.failNextLogin(-1)
    const busy = await api.http.post('/api/auth/wechat-login').send({ code: api.wechat.loginCode({ openid: 'o-x' }) })
    expect(busy.status).toBe(503)
    expect(busy.body.error.code).toBe('AUTH.WECHAT_UNAVAILABLE')
  })

  it('never lets session_key leave the server: not in responses, not in logs', async () => {
    const res = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-secret' }) })
    expect(res.status).toBe(200)
    const everything = JSON.stringify(res.body) + JSON.stringify(res.headers) + api.logs.join('\n')
    expect(api.wechat.sessionKeys.length).toBeGreaterThan(0)
    for (const key of api.wechat.sessionKeys) expect(everything).not.toContain(key)
    expect(everything).not.toMatch(/session_?key/i)
  })
})

describe('sessions', () => {
  it('refreshes once; the used refresh token is refused afterwards', async () => {
    const login = await api.loginMember('refresher')
    const first = await api.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken })
    expect(first.status).toBe(200)
    expect((await api.http.get('/api/me/card').set(bearer(first.body.accessToken))).status).toBe(200)
    const reuse = await api.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken })
    expect(reuse.status).toBe(401)
    expect(reuse.body.error.code).toBe('AUTH.REFRESH_REUSED')
  })

  it('expires access tokens after their TTL', async () => {
    const login = await api.loginMember('expiring')
    api.clock.advance((api.config.auth.accessTokenTtlSeconds + 10) * 1000)
    try {
      const res = await api.http.get('/api/me/card').set(bearer(login.accessToken))
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe('AUTH.TOKEN_EXPIRED')
    } finally {
      api.clock.advance(-(api.config.auth.accessTokenTtlSeconds + 10) * 1000)
    }
  })

  it('refuses an access token used as a refresh token and vice versa', async () => {
    const login = await api.loginMember('audiences')
    expect((await api.http.post('/api/auth/refresh').send({ refreshToken: login.accessToken })).status).toBe(401)
    expect((await api.http.get('/api/me/card').set(bearer(login.refreshToken))).status).toBe(401)
  })
})

describe('phone binding (getPhoneNumber code exchange against the stub)', () => {
  it('binds a phone and shows it masked on the card', async () => {
    const login = await api.loginMember('phone-owner')
    const res = await api.http
      .post('/api/me/phone')
      .set(bearer(login.accessToken))
      .send({ code: api.wechat.phoneCode('13812345678') })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ phoneMasked: '138****5678' })
    const card = await api.http.get('/api/me/card').set(bearer(login.accessToken))
    expect(card.body.phoneMasked).toBe('138****5678')
  })

  it('refuses a phone already bound to another member', async () => {
    const a = await api.loginMember('phone-a')
    const b = await api.loginMember('phone-b')
    await api.http
      .post('/api/me/phone')
      .set(bearer(a.accessToken))
      .send({ code: api.wechat.phoneCode('13900001111') })
    const res = await api.http
      .post('/api/me/phone')
      .set(bearer(b.accessToken))
      .send({ code: api.wechat.phoneCode('13900001111') })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('MEMBER.PHONE_TAKEN')
  })

  it('refuses an invalid phone code', async () => {
    const login = await api.loginMember('phone-bad')
    const res = await api.http.post('/api/me/phone').set(bearer(login.accessToken)).send({ code: 'nope' })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('AUTH.CODE_INVALID')
  })
})

describe('dev login', () => {
  it('is refused when disabled', async () => {
    const off = await startTestApi({ DEV_LOGIN: 'false' })
    try {
      const res = await off.http.post('/api/auth/dev-login').send({ devUser: 'alice' })
      expect(res.status).toBe(404)
      expect(res.body.error.code).toBe('AUTH.DEV_LOGIN_DISABLED')
    } finally {
      await off.stop()
    }
  })
})
