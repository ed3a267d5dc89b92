import jwt from 'jsonwebtoken'
import type Router from '@koa/router'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { buildWorld, type World } from '../support/fixtures'
import { apiHeaderProblems } from '../support/api-headers'
import { PRINCIPALS, PUBLIC_ROUTES, ROUTES, caseName, type RouteCase } from '../support/route-table'
import { ROUTES as APP_ROUTERS } from '../../server/src/app'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { purchaseModel } from '../../server/src/modules/points/purchase.model'

jest.setTimeout(120_000)

let api: TestApi
let world: World
beforeAll(async () => {
  api = await startTestApi()
  world = await buildWorld(api)
})
afterAll(() => api.stop())

function send(route: RouteCase, token: string | null, body?: Record<string, unknown>) {
  const path = route.path(world.fixtures)
  const req =
    route.method === 'GET' ? api.http.get(path) : route.method === 'PUT' ? api.http.put(path) : api.http.post(path)
  if (token) req.set(bearer(token))
  if (route.headers) req.set(route.headers())
  return route.method === 'GET' ? req : req.send(body ?? {})
}

/** Row counts of everything money-like; a refused request must leave them as they were. */
async function stateCounts(): Promise<number[]> {
  const { Entry } = ledgerModels(api.conn)
  const { Coupon, RedemptionLog, Template } = couponModels(api.conn)
  return Promise.all([
    Entry.countDocuments(),
    Coupon.countDocuments(),
    RedemptionLog.countDocuments(),
    Template.countDocuments(),
    purchaseModel(api.conn).countDocuments(),
  ])
}

describe('authorization matrix (every route × every kind of caller)', () => {
  it('covers every route the app registers', () => {
    const routers: Router[] = APP_ROUTERS.map((build) => build(api.ctx))
    const registered = routers.flatMap((r) =>
      r.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${layer.path}`)),
    )
    const inTable = new Set([
      ...PUBLIC_ROUTES,
      ...ROUTES.map(
        (r) =>
          `${r.method} ${r
            .path({
              templateId: ':templateId',
              couponIdA: ':couponId',
              receiptX: ':receiptNo',
              feedbackIdA: ':id',
              memberIdA: ':id',
              segmentId: ':id',
              storeIdX: ':id',
              staffIdManagerX: ':id',
            } as never)
            .replace(/\?.*$/, '')
            .replace('%3AcouponId', ':couponId')
            .replace('/jobs/sweep-used-codes', '/jobs/:name')
            .replace('/merchants/1900000102', '/merchants/:mchid')
            .replace('/unmapped/4200000000000000000/', '/unmapped/:transactionId/')
            .replace('/syncs/4200000000000000000/', '/syncs/:transactionId/')
            .replace('/points-claims/no-such-claim/', '/points-claims/:claimId/')
            .replace('/receipt-photos/AX:NOSUCH1', '/receipt-photos/:id')
            .replace('/members/no-such-member/', '/members/:id/')
            .replace('/member-requests/00000000-0000-4000-8000-000000000000/', '/member-requests/:id/')
            .replace('/campaigns/c00000000', '/campaigns/:id')
            .replace('/lotteries/l00000000', '/lotteries/:id')
            .replace('/points-campaigns/member-day', '/points-campaigns/:id')}`,
      ),
    ])
    const missing = registered.filter((r) => !inTable.has(r))
    expect(missing).toEqual([])
  })

  const results: string[] = []
  it.each(ROUTES.map((r) => [caseName(r), r] as const))('%s', async (_name, route) => {
    for (const principal of PRINCIPALS) {
      const allowed = route.allow.includes(principal)
      const body = route.body ? await route.body(world.fixtures) : undefined
      const before = allowed ? null : await stateCounts()
      const res = await send(route, world.tokens[principal], body)
      // every answer, allowed or refused, carries the API's hardening headers (docs/privacy-security.md)
      expect({ principal, headers: apiHeaderProblems(res.headers, route.path(world.fixtures)) }).toEqual({
        principal,
        headers: [],
      })
      results.push(`${route.method} ${route.path(world.fixtures)} ${principal} → ${res.status}`)
      if (allowed) {
        expect({ principal, status: res.status, error: res.body?.error?.code }).toEqual(
          expect.objectContaining({ principal }),
        )
        expect([401, 403]).not.toContain(res.status)
        expect(res.status).toBeLessThan(500)
      } else {
        expect({ principal, status: res.status }).toEqual({
          principal,
          status: principal === 'anonymous' ? 401 : expect.any(Number),
        })
        expect([401, 403, 404]).toContain(res.status)
        expect(await stateCounts()).toEqual(before)
      }
    }
  })

  it('refuses forged, expired and wrong-audience tokens on every protected route', async () => {
    const { jwtSecret } = api.config.auth
    const now = Math.floor(api.clock.now().getTime() / 1000)
    const claims = { sub: world.memberA.member.memberId, role: 'operator', storeId: 'AX' }
    const forged = [
      jwt.sign(claims, 'x'.repeat(40), {
        algorithm: 'HS256',
        issuer: 'mall-loyalty',
        audience: 'staff',
        expiresIn: 600,
      }),
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.` +
        Buffer.from(JSON.stringify({ ...claims, iss: 'mall-loyalty', aud: 'staff', exp: now + 600 })).toString(
          'base64url',
        ) +
        '.',
      jwt.sign({ ...claims, iat: now - 4000, exp: now - 3000 }, jwtSecret, {
        algorithm: 'HS256',
        issuer: 'mall-loyalty',
        audience: 'staff',
      }),
      jwt.sign(claims, jwtSecret, { algorithm: 'HS256', issuer: 'someone-else', audience: 'staff', expiresIn: 600 }),
      jwt.sign(claims, jwtSecret, {
        algorithm: 'HS256',
        issuer: 'mall-loyalty',
        audience: 'member-refresh',
        expiresIn: 600,
      }),
      jwt.sign(claims, jwtSecret, { algorithm: 'HS512', issuer: 'mall-loyalty', audience: 'staff', expiresIn: 600 }),
    ]
    for (const route of ROUTES) {
      for (const token of forged) {
        const res = await send(route, token, route.body ? await route.body(world.fixtures) : undefined)
        expect({ route: route.path(world.fixtures), status: res.status }).toEqual({
          route: route.path(world.fixtures),
          status: 401,
        })
      }
    }
  })
})
