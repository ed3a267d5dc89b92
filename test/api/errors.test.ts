import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { memberModels } from '../../server/src/modules/members/member.model'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

async function memberCount(): Promise<number> {
  return memberModels(api.conn).Member.countDocuments()
}

describe('error model', () => {
  it('answers bad input with a stable code, 4xx, and writes nothing', async () => {
    const before = await memberCount()
    const cases: Array<[() => ReturnType<typeof api.http.post>, number, string]> = [
      [
        () => api.http.post('/api/auth/dev-login').set('content-type', 'application/json').send('{"devUser":'),
        400,
        'REQUEST.MALFORMED_JSON',
      ],
      [() => api.http.post('/api/auth/dev-login').send({ devUser: 42 }), 400, 'VALIDATION.FAILED'],
      [
        () => api.http.post('/api/auth/dev-login').send({ devUser: 'ok-name', role: 'operator' }),
        400,
        'VALIDATION.FAILED',
      ],
      [() => api.http.post('/api/auth/dev-login').send({ devUser: { $ne: null } }), 400, 'VALIDATION.FAILED'],
      [
        () => api.http.post('/api/auth/dev-login').send(JSON.parse('{"__proto__":{"x":1},"devUser":"proto"}')),
        400,
        'VALIDATION.FAILED',
      ],
      [() => api.http.post('/api/auth/dev-login').send({ devUser: 'a'.repeat(200_000) }), 413, 'REQUEST.TOO_LARGE'],
      [
        () => api.http.post('/api/auth/dev-login').type('form').send('devUser=alice'),
        415,
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      ],
      [() => api.http.post('/api/auth/wechat-login').send({ code: { $gt: '' } }), 400, 'VALIDATION.FAILED'],
    ]
    for (const [send, status, code] of cases) {
      const res = await send()
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })
      expect(res.body.error.requestId).toBeTruthy()
    }
    expect(await memberCount()).toBe(before)
  })

  it('returns JSON 404 for unknown routes and echoes a well-formed request id', async () => {
    const res = await api.http.get('/api/does-not-exist').set('X-Request-Id', 'trace-12345678')
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ code: 'REQUEST.NOT_FOUND', requestId: 'trace-12345678' })
  })

  it('hides internal errors behind INTERNAL/500 with no details', async () => {
    const login = await api.loginMember('crash')
    const members = api.ctx.services.members
    const original = members.card.bind(members)
    members.card = async () => {
      throw new Error('secret internal detail')
    }
    try {
      const res = await api.http.get('/api/me/card').set(bearer(login.accessToken))
      expect(res.status).toBe(500)
      expect(res.body.error.code).toBe('INTERNAL')
      expect(JSON.stringify(res.body)).not.toContain('secret internal detail')
    } finally {
      members.card = original
    }
  })

  it('rejects tokens signed with alg none, a wrong key, or for another audience', async () => {
    const login = await api.loginMember('tokens')
    const [h, p] = login.accessToken.split('.')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`
    const wrongKey = `${h}.${p}.${Buffer.from('not-the-signature').toString('base64url')}`
    for (const token of [none, wrongKey, 'garbage']) {
      const res = await api.http.get('/api/me/card').set(bearer(token))
      expect(res.status).toBe(401)
    }
  })
})
