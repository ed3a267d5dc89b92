import Router from '@koa/router'
import { requireStaff } from '../http/auth-middleware'
import { emptyBody } from '@mall/shared'
import { DomainError } from '../http/domain-error'
import { parseBody } from '../http/validate'
import type { AppContext } from '../app-context'

/** Operators can run the background jobs on demand (they also run on a schedule in main.ts). */
export function opsRoutes({ jobs, tokens, now }: AppContext): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const run: Record<string, () => Promise<unknown>> = {
    'expire-points': () => jobs.expirePoints(now()),
    'evaluate-tiers': () => jobs.evaluateTiers(now()),
    'replay-check': () => jobs.replayCheck(),
    'sweep-used-codes': () => jobs.sweepUsedCodes(now()),
    'sweep-coupon-claims': () => jobs.sweepCouponClaims(now()),
    'sweep-checkins': () => jobs.sweepCheckins(now()),
    'sweep-referrals': () => jobs.sweepReferrals(now()),
    'sweep-purchases': () => jobs.sweepPurchases(now()),
    'send-checkin-reminders': () => jobs.sendCheckinReminders(now()),
  }
  router.post('/jobs/:name', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    const job = run[ctx.params.name ?? '']
    if (!job) throw new DomainError('REQUEST.NOT_FOUND', 'no such job')
    ctx.body = { job: ctx.params.name, result: await job() }
  })
  return router
}
