import Router from '@koa/router'
import { requireStaff } from '../../http/auth-middleware'
import { emptyBody, kpiQuery, ruleChangeRequest } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { parseBody, parseQuery } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { KpiService } from './kpi.service'
import type { RulesAdminService } from './rules-admin.service'

/** The background jobs operators may run from the console; each takes the time it runs at. */
export interface OperatorJobs {
  expirePoints(now: Date): Promise<unknown>
  evaluateTiers(now: Date): Promise<unknown>
  replayCheck(): Promise<unknown>
  sweepUsedCodes(now: Date): Promise<unknown>
  sweepCouponClaims(now: Date): Promise<unknown>
  sweepCheckins(now: Date): Promise<unknown>
  sweepReferrals(now: Date): Promise<unknown>
  sweepPurchases(now: Date): Promise<unknown>
  expireGiftPickups(now: Date): Promise<unknown>
  sweepGiftRedemptions(now: Date): Promise<unknown>
  sendCheckinReminders(now: Date): Promise<unknown>
  runCampaigns(now: Date): Promise<unknown>
  sweepCampaignGrants(now: Date): Promise<unknown>
  sweepLotteryDraws(now: Date): Promise<unknown>
  grantTierMonthlyCoupons(now: Date): Promise<unknown>
}

export interface OpsRouteDeps extends CallerChecks {
  jobs: OperatorJobs
  services: { kpis: KpiService; rulesAdmin: RulesAdminService }
}

/** Operators can run the background jobs on demand (they also run on a schedule in main.ts). */
export function opsRoutes({ jobs, services, tokens, now }: OpsRouteDeps): Router {
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
    'expire-gift-pickups': () => jobs.expireGiftPickups(now()),
    'sweep-gift-redemptions': () => jobs.sweepGiftRedemptions(now()),
    'send-checkin-reminders': () => jobs.sendCheckinReminders(now()),
    'run-campaigns': () => jobs.runCampaigns(now()),
    'sweep-campaign-grants': () => jobs.sweepCampaignGrants(now()),
    'sweep-lottery-draws': () => jobs.sweepLotteryDraws(now()),
    'grant-tier-monthly-coupons': () => jobs.grantTierMonthlyCoupons(now()),
  }
  router.get('/kpis', operator, async (ctx) => {
    const q = parseQuery(ctx, kpiQuery)
    if (q.from > q.to) throw new DomainError('VALIDATION.FAILED', 'from after to')
    ctx.body = await services.kpis.report(q, now())
  })

  router.get('/rules', operator, async (ctx) => {
    ctx.body = await services.rulesAdmin.current()
  })

  router.put('/rules', operator, async (ctx) => {
    const body = parseBody(ctx, ruleChangeRequest)
    ctx.body = await services.rulesAdmin.change(body.section, body.value, body.note, ctx.state.staff.sub, now())
  })

  router.get('/rules/history', operator, async (ctx) => {
    ctx.body = { items: await services.rulesAdmin.history() }
  })

  router.post('/jobs/:name', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    const job = run[ctx.params.name ?? '']
    if (!job) throw new DomainError('REQUEST.NOT_FOUND', 'no such job')
    ctx.body = { job: ctx.params.name, result: await job() }
  })
  return router
}
