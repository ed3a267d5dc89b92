import Router from '@koa/router'
import * as z from 'zod'
import {
  createSegmentRequest,
  deleteSegmentRequest,
  memberLedgerQuery,
  memberSearchQuery,
  memberTabQuery,
  memberTagsRequest,
  previewSegmentRequest,
  updateSegmentRequest,
} from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks } from '../../http/route-deps'
import type { FeedbackService } from '../feedback/feedback.service'
import type { MemberService } from '../members/member.service'
import type { MemberDirectoryService } from './member-directory.service'
import type { SegmentService } from './segment.service'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)

export interface InsightRouteDeps extends CallerChecks {
  services: {
    memberDirectory: MemberDirectoryService
    segments: SegmentService
    members: MemberService
    feedback: FeedbackService
  }
}

/**
 * Operator console: member search and detail (profile, ledger, coupons, check-ins, referrals,
 * tags) and saved segments. Operators only; every write is in the audit log (audit middleware).
 */
export function insightRoutes({ services, tokens, now }: InsightRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const { memberDirectory: directory, segments } = services
  const memberId = (p: Record<string, string | undefined>) => parseParam(id, p.id)

  router.get('/members', operator, async (ctx) => {
    ctx.body = await directory.search(parseQuery(ctx, memberSearchQuery), now())
  })
  router.get('/members/:id', operator, async (ctx) => {
    ctx.body = await directory.detail(memberId(ctx.params), now())
  })
  router.get('/members/:id/ledger', operator, async (ctx) => {
    ctx.body = await directory.ledgerPage(memberId(ctx.params), parseQuery(ctx, memberLedgerQuery))
  })
  router.get('/members/:id/coupons', operator, async (ctx) => {
    ctx.body = await directory.coupons(memberId(ctx.params), parseQuery(ctx, memberTabQuery), now())
  })
  router.get('/members/:id/checkins', operator, async (ctx) => {
    ctx.body = await directory.checkins(memberId(ctx.params), parseQuery(ctx, memberTabQuery))
  })
  router.get('/members/:id/referrals', operator, async (ctx) => {
    ctx.body = await directory.referrals(memberId(ctx.params), parseQuery(ctx, memberTabQuery))
  })
  router.get('/members/:id/feedback', operator, async (ctx) => {
    const member = await services.members.get(memberId(ctx.params))
    ctx.body = { items: await services.feedback.ofMember(member._id) }
  })
  router.post('/members/:id/tags', operator, async (ctx) => {
    const body = parseBody(ctx, memberTagsRequest)
    ctx.body = await directory.changeTags(memberId(ctx.params), body.add, body.remove)
  })

  router.get('/segments', operator, async (ctx) => {
    ctx.body = { items: await segments.list(now()) }
  })
  router.get('/segments/history', operator, async (ctx) => {
    ctx.body = { items: await segments.history() }
  })
  router.post('/segments/preview', operator, async (ctx) => {
    ctx.body = await segments.preview(parseBody(ctx, previewSegmentRequest).definition, now())
  })
  router.post('/segments', operator, async (ctx) => {
    ctx.body = await segments.create(parseBody(ctx, createSegmentRequest), ctx.state.staff.sub, now())
    ctx.status = 201
  })
  router.get('/segments/:id', operator, async (ctx) => {
    ctx.body = await segments.get(parseParam(id, ctx.params.id), now())
  })
  router.put('/segments/:id', operator, async (ctx) => {
    const segmentId = parseParam(id, ctx.params.id)
    ctx.body = await segments.update(segmentId, parseBody(ctx, updateSegmentRequest), ctx.state.staff.sub, now())
  })
  router.post('/segments/:id/delete', operator, async (ctx) => {
    const segmentId = parseParam(id, ctx.params.id)
    const body = parseBody(ctx, deleteSegmentRequest)
    ctx.body = await segments.remove(segmentId, body.version, body.note, ctx.state.staff.sub, now())
  })
  router.get('/segments/:id/members', operator, async (ctx) => {
    const segmentId = parseParam(id, ctx.params.id)
    const asOf = now()
    const memberIds = await segments.membersOf(segmentId, asOf)
    ctx.body = { segmentId, asOf: asOf.toISOString(), count: memberIds.length, memberIds }
  })
  return router
}
