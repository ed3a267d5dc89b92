import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { Connection } from 'mongoose'
import { insertRow } from '../../db/insert-batch'
import { DomainError } from '../../errors/domain-error'
import { HTTP_STATUS_BY_CODE } from '../../http/error-table'
import { auditModel } from './audit.model'

const AUDITED = /^\/api\/(staff|ops)\//
// Fields worth keeping from a request body; tokens and passwords never are.
const TARGET_FIELDS = [
  'receiptNo',
  'amountFen',
  'points',
  'item',
  'reason',
  'approve',
  'storeId',
  'username',
  'status',
  'name',
  'assignee',
  'section',
  'field',
] as const

/**
 * Records every staff and operator request (including refused ones and failed logins) with
 * staff, store, device, IP and request id. Writing the row never changes the response.
 */
export function auditMiddleware(conn: Connection): Middleware {
  const Audit = auditModel(conn)
  return async (ctx, next) => {
    if (!AUDITED.test(ctx.path) || ctx.method === 'GET') return next()
    let outcome = 'ok'
    try {
      await next()
    } catch (err) {
      outcome = err instanceof DomainError ? err.code : 'INTERNAL'
      throw err
    } finally {
      // a reveal or an export wrote its own row before answering (audit-row.ts)
      if (!ctx.state.auditWritten) await writeRow()
    }
    async function writeRow() {
      const staff = ctx.state.staff as { sub: string; role: string; storeId: string | null } | undefined
      const body = ((ctx.request as { body?: Record<string, unknown> }).body ?? {}) as Record<string, unknown>
      const target: Record<string, unknown> = { ...(ctx.params ?? {}) }
      for (const f of TARGET_FIELDS) if (typeof body[f] !== 'object' && body[f] !== undefined) target[f] = body[f]
      if (typeof body.code === 'string') target.code = `${body.code.slice(0, 1)}…${body.code.slice(-4)}`
      const row = {
        _id: randomUUID(),
        requestId: String(ctx.state.requestId),
        at: new Date(),
        staffId: staff?.sub ?? (typeof body.username === 'string' ? body.username.toLowerCase() : null),
        role: staff?.role ?? null,
        storeId: staff?.storeId ?? null,
        action: `${ctx.method} ${(ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path}`,
        target,
        outcome,
        status:
          outcome === 'ok' ? ctx.status : (HTTP_STATUS_BY_CODE[outcome as keyof typeof HTTP_STATUS_BY_CODE] ?? 500),
        ip: ctx.ip,
        device: (ctx.get('x-device-id') || ctx.get('user-agent')).slice(0, 200),
      }
      await insertRow(Audit, row).catch((err) => ctx.state.log?.error({ err }, 'audit write failed'))
    }
  }
}
