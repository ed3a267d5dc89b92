import Router from '@koa/router'
import { kpiQuery } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { requireStaff } from '../../http/auth-middleware'
import { parseQuery } from '../../http/validate'
import type { Connection } from 'mongoose'
import type { CallerChecks } from '../../http/route-deps'
import { ChannelMixService } from './channel-mix'

export interface ChannelMixRouteDeps extends CallerChecks {
  /** the report reads the purchases collection directly */
  conn: Connection
}

/** The dashboard's channel mix (operators): points and sales by the channel that reported each purchase. */
export function channelMixRoutes({ conn, tokens, now }: ChannelMixRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const mix = new ChannelMixService(conn)

  router.get('/channel-mix', operator, async (ctx) => {
    const q = parseQuery(ctx, kpiQuery)
    if (q.from > q.to) throw new DomainError('VALIDATION.FAILED', 'from after to')
    ctx.body = await mix.report(q)
  })

  return router
}
