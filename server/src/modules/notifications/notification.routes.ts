import Router from '@koa/router'
import { notificationSubscribeRequest } from '@mall/shared'
import { requireMember } from '../../http/auth-middleware'
import { idempotent } from '../../http/idempotency'
import { byMember, rateLimit } from '../../http/rate-limit'
import { parseBody } from '../../http/validate'
import type { CallerChecks, IdempotencyStore } from '../../http/route-deps'
import type { NotificationService } from './notification.service'

export interface NotificationRouteDeps extends CallerChecks, IdempotencyStore {
  services: { notifications: NotificationService }
}

/** The member's subscribe-message templates and what their subscriptions still allow. */
export function notificationRoutes({ services, tokens, now, conn }: NotificationRouteDeps): Router {
  const router = new Router({ prefix: '/api/me/notifications' })
  const member = requireMember(tokens, now)

  router.get('/', member, async (ctx) => {
    ctx.body = await services.notifications.settings(ctx.state.memberId)
  })

  // A retry of one wx.requestSubscribeMessage answer (same Idempotency-Key) replays, granting nothing more.
  const limit = rateLimit('notification-subscribe', { max: 20, windowMs: 60_000, id: byMember })
  router.post('/subscriptions', member, limit, idempotent(conn, { required: false }), async (ctx) => {
    const { templateIds } = parseBody(ctx, notificationSubscribeRequest)
    ctx.body = await services.notifications.subscribe(ctx.state.memberId, templateIds, now())
  })

  return router
}
