import Router from '@koa/router'
import { kpiQuery } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { requireStaff } from '../../http/auth-middleware'
import { parseQuery } from '../../http/validate'
import type { AppContext } from '../../app-context'
import { ChannelMixService } from './channel-mix'

/** The dashboard's channel mix (operators): points and sales by the channel that reported each purchase. */
export function channelMixRoutes({ conn, tokens, now }: AppContext): Router {
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
