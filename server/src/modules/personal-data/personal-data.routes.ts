import Router from '@koa/router'
import * as z from 'zod'
import { redemptionIdParam, revealAddressRequest, revealFieldRequest, segmentExportRequest } from '@mall/shared'
import { requireStaff } from '../../http/auth-middleware'
import { byStaff, rateLimit } from '../../http/rate-limit'
import type { CallerChecks } from '../../http/route-deps'
import { parseBody, parseParam } from '../../http/validate'
import { auditCallerOf, markAudited } from '../audit/audit-row'
import type { SegmentService } from '../insight/segment.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import type { Connection } from 'mongoose'
import { PersonalDataService } from './personal-data.service'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)

/** Per operator: enough to answer a caller's questions, too few to copy members one by one. */
export const REVEALS_PER_10_MINUTES = 30
export const EXPORTS_PER_10_MINUTES = 10

export interface PersonalDataRouteDeps extends CallerChecks {
  conn: Connection
  services: { members: MemberService; segments: SegmentService; rules: ProgramRules }
}

/**
 * The console's ways past the masks (docs/privacy-security.md): reveal one field of one member or the delivery
 * address of a gift redemption, export a saved segment's members. Operators only (the till and the desk see
 * masked data and have no reveal); each is written to the audit log before it answers, and each is rate-limited
 * per operator.
 */
export function personalDataRoutes({ conn, services, tokens, now }: PersonalDataRouteDeps): Router {
  const router = new Router({ prefix: '/api/ops' })
  const operator = requireStaff(tokens, now, ['operator'])
  const personalData = new PersonalDataService(conn, services.members, services.segments, services.rules)
  const tenMinutes = 10 * 60_000
  // one budget for every reveal, a member's field or a delivery address
  const revealLimit = rateLimit('reveal', { max: REVEALS_PER_10_MINUTES, windowMs: tenMinutes, id: byStaff })

  router.post('/members/:id/reveal', operator, revealLimit, async (ctx) => {
    const memberId = parseParam(id, ctx.params.id)
    const { field, reason } = parseBody(ctx, revealFieldRequest)
    ctx.body = await personalData.reveal(memberId, field, reason, auditCallerOf(ctx), now())
    markAudited(ctx)
  })

  router.post('/mall/redemptions/:id/reveal-address', operator, revealLimit, async (ctx) => {
    const redemptionId = parseParam(redemptionIdParam, ctx.params.id)
    const { reason } = parseBody(ctx, revealAddressRequest)
    ctx.body = await personalData.revealAddress(redemptionId, reason, auditCallerOf(ctx), now())
    markAudited(ctx)
  })

  router.post(
    '/segments/:id/export',
    operator,
    rateLimit('member-export', { max: EXPORTS_PER_10_MINUTES, windowMs: tenMinutes, id: byStaff }),
    async (ctx) => {
      const segmentId = parseParam(id, ctx.params.id)
      const { reason } = parseBody(ctx, segmentExportRequest)
      const file = await personalData.exportSegment(segmentId, reason, auditCallerOf(ctx), now())
      markAudited(ctx)
      ctx.type = 'text/csv; charset=utf-8'
      ctx.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      ctx.set('X-Row-Count', String(file.rowCount))
      // a BOM so spreadsheet programs read the file as UTF-8 (中文)
      ctx.body = `\uFEFF${file.csv}`
    },
  )

  return router
}
