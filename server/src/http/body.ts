import type { Middleware } from 'koa'
import { bodyParser } from '@koa/bodyparser'

/** JSON bodies only (other types are refused earlier by `jsonOnly`), up to `limit`; larger → 413. */
export const jsonBody = (limit: string): Middleware => bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' })
