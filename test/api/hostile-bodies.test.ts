import fs from 'node:fs'
import path from 'node:path'
import { startTestApi, type TestApi } from '../support/api-harness'
import { dbFingerprint } from '../support/db-fingerprint'
import { buildWorld, type World } from '../support/fixtures'
import { ROUTES } from '../support/route-table'
import { GIFT_IMAGE_UPLOAD_PATH } from '../../server/src/modules/points-mall/points-mall.routes'
import { RECEIPT_PHOTO_BODY_LIMIT_BYTES } from '@mall/shared'

/**
 * Bodies built to exhaust the server rather than to pass as input: nested 10,000 deep, 100,000 keys,
 * 2 MB, arrays of a million elements, and within the size limit 30,000 values. Every write route, the
 * anonymous logins included, answers 4xx at once and writes nothing; /api/health stays quick during a
 * flood of them (its latency is recorded in test-results/hostile-bodies.json, not asserted here).
 */
jest.setTimeout(300_000)

let api: TestApi
let world: World
beforeAll(async () => {
  api = await startTestApi()
  world = await buildWorld(api)
})
afterAll(() => api.stop())

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const HOSTILE: Record<string, string> = {
  'nested 10,000 deep': `{"devUser":${deep(10_000)}}`,
  'nested 40 deep (over the limit of 32)': `{"devUser":${deep(40)}}`,
  '30,000 values in 60 KB': `{"devUser":[${Array(30_000).fill(0).join(',')}]}`,
  '100,000 keys': `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":0`).join(',')}}`,
  '2 MB': JSON.stringify({ devUser: 'x'.repeat(2 * 1024 * 1024) }),
  'array of 1,000,000 elements': `{"devUser":[${Array(1_000_000).fill(0).join(',')}]}`,
}

const targets = [
  ...ROUTES.filter((r) => r.write).map((r) => ({ method: r.method, path: r.path, token: r.allow[0]! })),
  { method: 'POST' as const, path: () => '/api/auth/dev-login', token: 'anonymous' as const },
  { method: 'POST' as const, path: () => '/api/auth/wechat-login', token: 'anonymous' as const },
  { method: 'POST' as const, path: () => '/api/staff/auth/login', token: 'anonymous' as const },
  { method: 'POST' as const, path: () => '/api/staff/auth/totp/start', token: 'anonymous' as const },
  { method: 'POST' as const, path: () => '/api/staff/auth/totp/confirm', token: 'anonymous' as const },
]

function send(target: (typeof targets)[number], raw: string) {
  const url = target.path(world.fixtures)
  const req = target.method === 'PUT' ? api.http.put(url) : api.http.post(url)
  const token = world.tokens[target.token]
  if (token) req.set('Authorization', `Bearer ${token}`)
  return req.set('Content-Type', 'application/json').set('Idempotency-Key', 'hostile-body-key').send(raw)
}

// Picture uploads take bodies of a few megabytes: 2 MB is within their limit, so they parse it and refuse
// its shape; a body over their own limit is checked below.
const PICTURE_UPLOADS = new Set([GIFT_IMAGE_UPLOAD_PATH, '/api/me/receipt-photos/uploads'])
const REFUSED = /^(REQUEST\.(TOO_COMPLEX|TOO_LARGE)|AUTH\.REQUIRED|AUTH\.TOKEN_INVALID)$/
const REFUSED_AFTER_PARSING =
  /^(REQUEST\.(TOO_COMPLEX|TOO_LARGE)|VALIDATION\.FAILED|AUTH\.REQUIRED|AUTH\.TOKEN_INVALID)$/

describe('hostile request bodies', () => {
  it.each(Object.entries(HOSTILE))('%s: every write route answers 4xx and writes nothing', async (name, raw) => {
    const before = await dbFingerprint(api.conn)
    for (const target of targets) {
      const route = target.path(world.fixtures)
      const res = await send(target, raw)
      expect({ route, status: res.status }).toEqual({ route, status: expect.any(Number) })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      const parsed = name === '2 MB' && PICTURE_UPLOADS.has(route)
      expect({ route, code: res.body.error.code }).toEqual({
        route,
        code: expect.stringMatching(parsed ? REFUSED_AFTER_PARSING : REFUSED),
      })
    }
    expect(await dbFingerprint(api.conn)).toBe(before)
  })

  it('picture uploads refuse a body over their own limit with REQUEST.TOO_LARGE and write nothing', async () => {
    const raw = JSON.stringify({ image: 'x'.repeat(RECEIPT_PHOTO_BODY_LIMIT_BYTES + 1024) })
    const before = await dbFingerprint(api.conn)
    const uploads = targets.filter((t) => PICTURE_UPLOADS.has(t.path(world.fixtures)))
    expect(uploads).toHaveLength(PICTURE_UPLOADS.size)
    for (const target of uploads) {
      const res = await send(target, raw)
      expect({ route: target.path(world.fixtures), status: res.status, code: res.body.error.code }).toEqual({
        route: target.path(world.fixtures),
        status: 413,
        code: 'REQUEST.TOO_LARGE',
      })
    }
    expect(await dbFingerprint(api.conn)).toBe(before)
  })

  it('keeps /api/health answering during a flood of 200 deeply nested bodies', async () => {
    const body = HOSTILE['nested 10,000 deep']!
    const login = targets.find((t) => t.path(world.fixtures) === '/api/auth/dev-login')!
    const started = Date.now()
    const refusals: number[] = []
    const flood = (async () => {
      for (let i = 0; i < 200; i++) {
        const t0 = Date.now()
        const res = await send(login, body)
        refusals.push(Date.now() - t0)
        expect(res.status).toBe(400)
      }
    })()
    const health: number[] = []
    let flooding = true
    void flood.finally(() => (flooding = false))
    while (flooding) {
      const t0 = Date.now()
      expect((await api.http.get('/api/health')).status).toBe(200)
      health.push(Date.now() - t0)
      await new Promise((r) => setTimeout(r, 20))
    }
    await flood
    const p = (xs: number[], q: number) =>
      [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!
    const figures = {
      floodSeconds: (Date.now() - started) / 1000,
      refusals: refusals.length,
      refusalP50Ms: p(refusals, 0.5),
      refusalP99Ms: p(refusals, 0.99),
      healthSamples: health.length,
      healthP50Ms: p(health, 0.5),
      healthP99Ms: p(health, 0.99),
    }
    const out = path.join(__dirname, '../../test-results/hostile-bodies.json')
    fs.mkdirSync(path.dirname(out), { recursive: true })
    fs.writeFileSync(out, JSON.stringify(figures, null, 2))
    expect(refusals).toHaveLength(200)
    expect(health.length).toBeGreaterThan(0)
  })
})
