import type Router from '@koa/router'
import * as contracts from '@mall/shared'
import { ROUTES as APP_ROUTERS } from '../../server/src/app'
import { startTestApi, type TestApi } from '../support/api-harness'
import { ROUTES as TABLE } from '../support/route-table'

/**
 * /api/openapi.json is generated from the running routers and the zod contracts: it lists exactly the
 * routes the app registers (which the authorization matrix proves are the route table's), and the
 * contract it names for a request body accepts the route table's example request.
 */
jest.setTimeout(30_000)
let api: TestApi
let doc: any
beforeAll(async () => {
  api = await startTestApi()
  const res = await api.http.get('/api/openapi.json')
  expect(res.status).toBe(200)
  doc = res.body
})
afterAll(() => api.stop())

const toTemplate = (path: string) => path.replace(/:([\w]+)/g, '{$1}')

it('is an OpenAPI 3.1 document with one operation per registered route, and no other', () => {
  expect(doc.openapi).toBe('3.1.0')
  const registered = new Set(
    APP_ROUTERS.map((build) => build(api.ctx) as Router).flatMap((r) =>
      r.stack.flatMap((layer) =>
        layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${toTemplate(String(layer.path))}`),
      ),
    ),
  )
  const documented = new Set(
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    ),
  )
  expect([...registered].filter((op) => !documented.has(op))).toEqual([])
  expect([...documented].filter((op) => !registered.has(op))).toEqual([])
  for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>))
    for (const op of Object.values(ops)) expect(op.responses.default.content['application/json'].schema).toBeDefined()
})

it("names for each write the contract that accepts the route table's example request", async () => {
  const fixtures = new Proxy({} as never, {
    get: (_t, name) => (name === 'phoneCode' ? () => 'x' : `:${String(name)}`),
  })
  let checked = 0
  for (const route of TABLE.filter((r) => r.write && r.body)) {
    const path = (route.path(fixtures) as string).replace(/\?.*$/, '')
    const op = Object.entries(doc.paths as Record<string, Record<string, any>>)
      .filter(([template]) => new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
      .map(([, ops]) => ops[route.method.toLowerCase()])
      .find(Boolean)
    expect({ route: `${route.method} ${path}`, documented: Boolean(op) }).toEqual({
      route: `${route.method} ${path}`,
      documented: true,
    })
    if (!op['x-contract']) continue
    const body = await Promise.resolve(route.body!(fixtures)).catch(() => null)
    // needs real fixtures (ids), shape checked by the API tests
    if (!body || JSON.stringify(body).includes('":')) continue
    const parsed = (
      (contracts as Record<string, any>)[op['x-contract']] as { safeParse(v: unknown): { success: boolean } }
    ).safeParse(body)
    expect({ route: `${route.method} ${path}`, contract: op['x-contract'], accepts: parsed.success }).toEqual({
      route: `${route.method} ${path}`,
      contract: op['x-contract'],
      accepts: true,
    })
    checked++
  }
  expect(checked).toBeGreaterThan(10)
})

it('documents request bodies and queries from the zod contracts', () => {
  const devLogin = doc.paths['/api/auth/dev-login'].post
  expect(devLogin['x-contract']).toBe('devLoginRequest')
  expect(devLogin.requestBody.content['application/json'].schema).toMatchObject({
    type: 'object',
    properties: { devUser: expect.objectContaining({ type: 'string' }) },
  })
  const withBodies = Object.values(doc.paths as Record<string, Record<string, any>>)
    .flatMap((ops) => Object.values(ops))
    .filter((op) => op.requestBody).length
  process.stdout.write(`openapi: ${Object.keys(doc.paths).length} paths, ${withBodies} request bodies from contracts\n`)
  expect(withBodies).toBeGreaterThan(40)
})
