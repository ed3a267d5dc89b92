import path from 'node:path'
import { readdirSync } from 'node:fs'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { H5_DIST } from '../support/browser'
import { apiHeaderProblems } from '../support/api-headers'
import { NO_PERMISSIONS, STAFF_SCAN_PERMISSIONS, inlineScriptHashes } from '../../server/src/http/security-headers'

/**
 * Browser hardening headers on every response the server gives: the H5 app's and the console's files, API
 * answers (ok, refused, unknown), with HSTS only over TLS as the proxy-trust setting sees it, and no-store on
 * API answers unless a route chose its own caching.
 */
const ADMIN_DIST = path.resolve(__dirname, '../../admin/dist')
let api: TestApi
let proxied: TestApi

beforeAll(async () => {
  ;[api, proxied] = await Promise.all([
    startTestApi({ H5_DIST_DIR: H5_DIST, ADMIN_DIST_DIR: ADMIN_DIST }),
    startTestApi({ TRUST_PROXY: '1' }),
  ])
})
afterAll(async () => {
  await Promise.all([api?.stop(), proxied?.stop()])
})

/** Every file of a build, as the path the server answers it at ('/js/app.js'). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `/${path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')}`)
}

function expectHardened(headers: Record<string, string>, where: string) {
  expect({ where, nosniff: headers['x-content-type-options'] }).toEqual({ where, nosniff: 'nosniff' })
  expect({ where, frame: headers['x-frame-options'] }).toEqual({ where, frame: 'DENY' })
  expect({ where, csp: headers['content-security-policy'] }).toEqual({
    where,
    csp: expect.stringContaining("frame-ancestors 'none'"),
  })
  expect(headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/)
  expect(headers['referrer-policy']).toBe('no-referrer')
  expect(headers['permissions-policy']).toMatch(/camera=/)
  expect(headers['strict-transport-security']).toBeUndefined()
}

describe('security headers', () => {
  it('every H5 file carries the H5 policy: own scripts, the hashed inline script, no camera', async () => {
    const files = ['/', '/index.html', ...filesUnder(H5_DIST).filter((f) => f !== '/index.html')]
    expect(files.length).toBeGreaterThan(20)
    const index = await api.http.get('/')
    const hashes = inlineScriptHashes(index.text)
    expect(hashes.length).toBeGreaterThan(0)
    for (const file of files) {
      const res = await api.http.get(file)
      expect({ file, status: res.status }).toEqual({ file, status: 200 })
      expectHardened(res.headers, file)
      const csp = res.headers['content-security-policy']
      for (const h of hashes) expect(csp).toContain(`'${h}'`)
      expect({ file, permissions: res.headers['permissions-policy'] }).toEqual({ file, permissions: NO_PERMISSIONS })
      expect(csp).not.toContain('unsafe-inline')
    }
  })

  it('the staff document (/staff/) is the one answer that lets the camera on', async () => {
    const staff = await api.http.get('/staff/')
    expect(staff.status).toBe(200)
    expectHardened(staff.headers, '/staff/')
    expect(staff.headers['permissions-policy']).toBe(STAFF_SCAN_PERMISSIONS)
    expect(staff.text).toContain('<div id="app">')
    expect(staff.headers['content-security-policy']).toMatch(/style-src 'self' 'nonce-[^']+';/)
    expect(staff.headers['cache-control']).toBe('no-store')
    const bare = await api.http.get('/staff')
    expect([bare.status, bare.headers.location]).toEqual([302, '/staff/'])
    expectHardened(bare.headers, '/staff')
    const member = await api.http.get('/')
    expect(member.headers['permissions-policy']).toBe(NO_PERMISSIONS)
    // the same build: the two differ only by their nonces
    const nonceOf = (res: { headers: Record<string, string> }) =>
      /'nonce-([^']+)'/.exec(res.headers['content-security-policy']!)![1]!
    expect(member.text.replace(nonceOf(member), 'N')).toBe(staff.text.replace(nonceOf(staff), 'N'))
  })

  it('index.html has a fresh style nonce in policy and csp-nonce meta; other files allow no inline style', async () => {
    const nonces: (string | undefined)[] = []
    for (const file of ['/', '/index.html', '/']) {
      const res = await api.http.get(file)
      const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)';/.exec(
        String(res.headers['content-security-policy']),
      )?.[1]
      expect({ file, nonce: !!nonce }).toEqual({ file, nonce: true })
      expect(res.text).toContain(`<meta name="csp-nonce" content="${nonce}">`)
      expect(res.headers['cache-control']).toBe('no-store')
      nonces.push(nonce)
    }
    expect(new Set(nonces).size).toBe(3)
    const js = readdirSync(path.join(H5_DIST, 'js'))[0]
    const script = await api.http.get(`/js/${js}`)
    expect(script.headers['content-security-policy']).toMatch(/style-src 'self';/)
  })

  it('the console files carry the console policy: nothing inline, no camera', async () => {
    const files = ['/admin/', ...filesUnder(ADMIN_DIST).map((f) => `/admin${f}`), '/admin/no-such-file.js']
    for (const file of files) {
      if (file.endsWith('no-such-file.js')) {
        const missing = await api.http.get(file)
        expect(missing.status).toBe(404)
        expectHardened(missing.headers, file)
        continue
      }
      const res = await api.http.get(file)
      expect({ file, status: res.status }).toEqual({ file, status: 200 })
      expectHardened(res.headers, file)
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/)
      expect(res.headers['content-security-policy']).toMatch(/style-src 'self';/)
      expect(res.headers['permissions-policy']).toContain('camera=()')
    }
  })

  it('every API answer, ok or refused or unknown, allows nothing and is not stored', async () => {
    const member = await api.loginMember('headers-alice')
    const answers = [
      await api.http.get('/api/health'),
      await api.http.get('/api/me/card').set(bearer(member.accessToken)),
      await api.http.get('/api/me/card'),
      await api.http.get('/api/no-such-route'),
      await api.http.post('/api/auth/dev-login').send({ nope: 1 }),
    ]
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 400])
    for (const res of answers) {
      expect(apiHeaderProblems(res.headers)).toEqual([])
      expectHardened(res.headers, `${res.status}`)
      expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'/)
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.headers['permissions-policy']).toContain('camera=()')
    }
  })

  it('a route that chose its own caching keeps it', async () => {
    const member = await api.loginMember('headers-bob')
    const res = await api.http.get('/api/me/invites/wxacode').set(bearer(member.accessToken))
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('private, max-age=86400')
  })

  it('HSTS only when the request came over TLS as the trusted proxy says', async () => {
    const viaTls = await proxied.http.get('/api/health').set('X-Forwarded-Proto', 'https')
    expect(viaTls.headers['strict-transport-security']).toMatch(/^max-age=31536000/)
    const plain = await proxied.http.get('/api/health')
    expect(plain.headers['strict-transport-security']).toBeUndefined()
    // Without TRUST_PROXY anyone could send the header: it is ignored.
    const spoofed = await api.http.get('/api/health').set('X-Forwarded-Proto', 'https')
    expect(spoofed.headers['strict-transport-security']).toBeUndefined()
  })
})
