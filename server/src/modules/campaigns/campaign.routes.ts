import Router from '@koa/router'
import * as z from 'zod'
import { campaignInput, emptyBody, pointsCampaignSimulateRequest, pointsCampaignStopRequest } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { CampaignService } from './campaign.service'
import type { PointsCampaignService } from './points-campaign.service'

const campaignId = z.string().regex(/^c[0-9a-f]{8}$/)

export interface CampaignRouteDeps extends CallerChecks {
  services: { campaigns: CampaignService }
}

/** Operator campaigns: create as draft, simulate, activate, run now, kill switch, grants. */
export function campaignRoutes({ services, tokens, now }: CampaignRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops/campaigns' })
  const operator = requireStaff(tokens, now, ['operator'])
  const id = (raw: string | undefined) => parseParam(campaignId, raw)

  router.get('/', operator, async (ctx) => {
    ctx.body = { items: await services.campaigns.list() }
  })

  router.post('/', operator, async (ctx) => {
    ctx.body = await services.campaigns.create(parseBody(ctx, campaignInput), ctx.state.staff.sub, now())
    ctx.status = 201
  })

  // A draft that is not saved yet: how many members and points it would touch.
  router.post('/simulate', operator, async (ctx) => {
    ctx.body = await services.campaigns.simulate(parseBody(ctx, campaignInput), now())
  })

  router.post('/:id/simulate', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.campaigns.simulate(await services.campaigns.get(id(ctx.params.id)), now())
  })

  router.post('/:id/activate', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.campaigns.activate(id(ctx.params.id), ctx.state.staff.sub, now())
  })

  router.post('/:id/kill', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.campaigns.kill(id(ctx.params.id), ctx.state.staff.sub, now())
  })

  router.post('/:id/run', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.campaigns.run(id(ctx.params.id), now())
  })

  router.get('/:id/grants', operator, async (ctx) => {
    const rows = await services.campaigns.grants(id(ctx.params.id))
    ctx.body = {
      items: rows.map((g) => ({
        slot: g.slot,
        memberId: g.memberId,
        state: g.state,
        points: g.points,
        couponId: g.couponId,
        couponRefusal: g.couponRefusal,
        at: new Date(g.at).toISOString(),
      })),
    }
  })
  return router
}

const pointsCampaignId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)

export interface PointsCampaignRouteDeps extends CallerChecks {
  services: { pointsCampaigns: PointsCampaignService }
}

/** Double-points days / member day (defined in the earning rules): status, kill switch, simulator. */
export function pointsCampaignRoutes({ services, tokens, now }: PointsCampaignRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops/points-campaigns' })
  const operator = requireStaff(tokens, now, ['operator'])
  const id = (raw: string | undefined) => parseParam(pointsCampaignId, raw)

  router.get('/', operator, async (ctx) => {
    ctx.body = { items: await services.pointsCampaigns.list(now()) }
  })

  // A campaign as edited in the rules, before it is saved: nothing is written.
  router.post('/simulate', operator, async (ctx) => {
    ctx.body = await services.pointsCampaigns.simulate(parseBody(ctx, pointsCampaignSimulateRequest).campaign, now())
  })

  router.post('/:id/simulate', operator, async (ctx) => {
    parseBody(ctx, emptyBody)
    ctx.body = await services.pointsCampaigns.simulate(
      await services.pointsCampaigns.campaign(id(ctx.params.id)),
      now(),
    )
  })

  router.post('/:id/kill', operator, async (ctx) => {
    ctx.body = await services.pointsCampaigns.kill(
      id(ctx.params.id),
      ctx.state.staff.sub,
      parseBody(ctx, pointsCampaignStopRequest).note,
      now(),
    )
  })

  router.post('/:id/resume', operator, async (ctx) => {
    ctx.body = await services.pointsCampaigns.resume(
      id(ctx.params.id),
      ctx.state.staff.sub,
      parseBody(ctx, pointsCampaignStopRequest).note,
      now(),
    )
  })
  return router
}
