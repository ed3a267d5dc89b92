import { randomUUID } from 'node:crypto'
import type { Context } from 'koa'
import type { Model } from 'mongoose'
import { insertRow } from '../../db/insert-batch'
import type { AuditDoc } from './audit.model'

/** Who is asking, as an audit row records it: staff, role, store, request id, IP and device. */
export type AuditCaller = Pick<AuditDoc, 'requestId' | 'staffId' | 'role' | 'storeId' | 'ip' | 'device'>

export function auditCallerOf(ctx: Context): AuditCaller {
  const staff = ctx.state.staff as { sub: string; role: string; storeId: string | null } | undefined
  return {
    requestId: String(ctx.state.requestId),
    staffId: staff?.sub ?? null,
    role: staff?.role ?? null,
    storeId: staff?.storeId ?? null,
    ip: ctx.ip,
    device: (ctx.get('x-device-id') || ctx.get('user-agent')).slice(0, 200),
  }
}

/**
 * Writes the audit row of an action whose record must exist before the answer leaves (seeing a member's data in
 * clear, exporting members): the insert runs first and a failed insert fails the request, so nothing is shown
 * unrecorded. The route then marks the request (`markAudited`) so the audit middleware does not add a second row.
 */
export async function recordBeforeAnswer(
  Audit: Model<AuditDoc>,
  caller: AuditCaller,
  action: string,
  target: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await insertRow(Audit, { _id: randomUUID(), at, ...caller, action, target, outcome: 'ok', status: 200 })
}

export function markAudited(ctx: Context): void {
  ctx.state.auditWritten = true
}
