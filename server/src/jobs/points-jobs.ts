import { Schema, type Connection } from 'mongoose'
import { evaluatedLevel, growthValue, pointsExpiringBefore, shanghaiDay, shanghaiMonth } from '@mall/shared'
import { getModel, insertOnce } from '../db/connect'
import type { LedgerService } from '../modules/ledger/ledger.service'
import type { MemberService } from '../modules/members/member.service'
import type { ProgramRules } from '../modules/rules/program-rules'

/**
 * Expiry: one `expire` entry per member per Shanghai day that has lots past their last valid day,
 * keyed `expire:<member>:<day>`. Running it twice changes nothing: the second run either replays
 * the same key or finds nothing left to expire.
 */
export async function expirePoints(
  ledger: LedgerService,
  now: Date,
): Promise<{ members: number; expiredPoints: number }> {
  const today = shanghaiDay(now)
  let members = 0
  let expiredPoints = 0
  for (const memberId of await ledger.ledgerMemberIds()) {
    const { state } = await ledger.head(memberId)
    if (pointsExpiringBefore(state, today) === 0) continue
    const { entry, replayed } = await ledger.post({
      memberId,
      eventKey: `expire:${memberId}:${today}`,
      type: 'expire',
      now,
      plan: () => ({ op: { kind: 'expire', asOfDay: today }, meta: { reason: '积分过期' } }),
    })
    if (!replayed) {
      members++
      expiredPoints += -entry.delta
    }
  }
  return { members, expiredPoints }
}

interface TierEvaluationDoc {
  _id: string
  memberId: string
  month: string
  from: number
  to: number
  growth: number
  at: Date
}
const evaluationSchema = new Schema<TierEvaluationDoc>(
  { _id: String, memberId: String, month: String, from: Number, to: Number, growth: Number, at: Date },
  { versionKey: false, collection: 'tier_evaluations' },
)

/**
 * Monthly tier evaluation: upgrade to what the growth value reaches, keep the tier while the
 * retention threshold is met, otherwise down by exactly one tier. One evaluation per member per
 * month (`<member>:<YYYY-MM>` inserted once), so reruns are no-ops.
 */
export const tierEvaluationModel = (conn: Connection) => getModel(conn, 'TierEvaluation', evaluationSchema)

export async function evaluateTiers(
  conn: Connection,
  ledger: LedgerService,
  members: MemberService,
  rules: ProgramRules,
  now: Date,
) {
  const Evaluation = tierEvaluationModel(conn)
  const { tiers } = await rules.current()
  const month = shanghaiMonth(now)
  const changes: { memberId: string; from: number; to: number }[] = []
  for (const memberId of await ledger.ledgerMemberIds()) {
    const member = await members.get(memberId).catch(() => null)
    // An erased account lost its tier for good; its spend history stays in the ledger only as a record.
    if (!member || member.erasedAt) continue
    const { state } = await ledger.head(memberId)
    const growth = growthValue(state, now)
    const to = evaluatedLevel(tiers, member.tierLevel, growth)
    const recorded = await insertOnce(Evaluation, {
      _id: `${memberId}:${month}`,
      memberId,
      month,
      from: member.tierLevel,
      to,
      growth,
      at: now,
    })
    if (!recorded) continue
    if (to !== member.tierLevel) {
      await members.setTier(memberId, to)
      changes.push({ memberId, from: member.tierLevel, to })
    }
  }
  return { month, changes }
}
