import Router from '@koa/router'
import { z } from 'zod'
import * as contracts from '@mall/shared'
import { ERROR_CODES } from '@mall/shared'

/**
 * The OpenAPI 3.1 document of the API, generated from what runs: every route the app's routers
 * register (so it cannot list a route that is gone or miss a new one), and for each the zod contract
 * its handler parses the body or query with (`parseBody(ctx, <contract>)` / `parseQuery(…)`), found in
 * the handler and converted by zod's own JSON Schema generator (2020-12, the dialect of OpenAPI 3.1).
 * Why not @asteasolutions/zod-to-openapi: it needs every schema and route registered by hand next to
 * the routes, which is the mapping that drifts; zod 4 converts schemas itself.
 */
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete']

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        message: { type: 'string', description: 'zh-CN text for people; clients branch on `code`' },
        requestId: { type: 'string' },
        details: {},
      },
    },
  },
}

/** The contract a handler parses its body or query with, by the name it is exported under from @mall/shared. */
function contractUsed(source: string, parser: 'parseBody' | 'parseQuery'): { name: string; schema: z.ZodType } | null {
  const match = new RegExp(`${parser}\\)?\\(\\s*[\\w$]+\\s*,\\s*(?:[\\w$]+\\.)?([\\w$]+)\\s*\\)`).exec(source)
  const schema = match ? (contracts as Record<string, unknown>)[match[1]!] : undefined
  return schema instanceof z.ZodType ? { name: match![1]!, schema } : null
}

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>
  return rest
}

export function buildOpenApi(routers: Router[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const router of routers) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') continue
      const layerPath = layer.path
      const source = layer.stack.map((fn) => fn.toString()).join('\n')
      const params = [...layerPath.matchAll(/:([\w]+)/g)].map((m) => m[1]!)
      const path = layerPath.replace(/:([\w]+)/g, '{$1}')
      for (const method of layer.methods.map((m) => m.toLowerCase() as Method).filter((m) => METHODS.includes(m))) {
        const body = contractUsed(source, 'parseBody')
        const query = contractUsed(source, 'parseQuery')
        const operation: Record<string, unknown> = {
          operationId: `${method} ${layerPath}`,
          tags: [layerPath.split('/')[2] ?? 'api'],
          parameters: [
            ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
            ...(query
              ? [{ name: 'query', in: 'query', style: 'form', explode: true, schema: jsonSchema(query.schema) }]
              : []),
          ],
          responses: {
            '200': { description: 'OK', content: { 'application/json': { schema: {} } } },
            default: { description: 'error', content: { 'application/json': { schema: errorBody } } },
          },
        }
        if (body) {
          operation.requestBody = {
            required: true,
            content: { 'application/json': { schema: jsonSchema(body.schema) } },
          }
          operation['x-contract'] = body.name
        }
        ;(paths[path] ??= {})[method] = operation
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mall loyalty API',
      version,
      description: 'Generated from the running routes and the zod contracts in shared/ (docs/api.md).',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{}, { bearer: [] }],
    paths,
  }
}

/** GET /api/openapi.json, built once from `routers` on first request. */
export function openApiRoute(routers: Router[]): Router {
  let document: string | null = null
  const router = new Router()
  router.get('/api/openapi.json', (c) => {
    document ??= JSON.stringify(buildOpenApi(routers, API_VERSION))
    c.type = 'application/json'
    c.body = document
  })
  return router
}

/** The API's version in the document: the year and month of its last incompatible change. */
export const API_VERSION = '2026.12'
