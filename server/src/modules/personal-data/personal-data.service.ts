import type { Connection, Model } from 'mongoose'
import {
  maskBirthday,
  maskName,
  maskPhone,
  shanghaiDateTime,
  tierByLevel,
  toCsv,
  type AddressInput,
  type PersonalField,
  type RevealFieldResponse,
} from '@mall/shared'
import { findById } from '../../db/by-id'
import { DomainError } from '../../errors/domain-error'
import { auditModel, type AuditDoc } from '../audit/audit.model'
import { pointsMallModels, type GiftRedemptionDoc } from '../points-mall/points-mall.model'
import { recordBeforeAnswer, type AuditCaller } from '../audit/audit-row'
import type { MemberDoc } from '../members/member.model'
import type { MemberService } from '../members/member.service'
import type { SegmentService } from '../insight/segment.service'
import type { ProgramRules } from '../rules/program-rules'
import { staffModel, type StaffDoc } from '../staff/staff.model'

/** The audit log's action names of the ways personal data leaves the console in clear or in bulk. */
export const REVEAL_ACTION = 'POST /api/ops/members/:id/reveal'
export const EXPORT_ACTION = 'POST /api/ops/segments/:id/export'
export const ADDRESS_ACTION = 'POST /api/ops/mall/redemptions/:id/reveal-address'

const ROLE_NAMES: Record<string, string> = { clerk: '店员', manager: '店长', operator: '运营' }

export interface MemberExport {
  filename: string
  csv: string
  rowCount: number
}

/**
 * Seeing members' personal data beyond the masks: one field of one member in clear (a reveal), or a saved
 * segment's members as a CSV file. Each writes its audit row (who, when, which member or segment, which field,
 * the reason, how many rows) before anything is answered; a failed audit write refuses the request.
 */
export class PersonalDataService {
  private readonly Audit: Model<AuditDoc>
  private readonly Staff: Model<StaffDoc>
  private readonly Redemption: Model<GiftRedemptionDoc>

  constructor(
    conn: Connection,
    private readonly members: MemberService,
    private readonly segments: SegmentService,
    private readonly rules: ProgramRules,
  ) {
    this.Audit = auditModel(conn)
    this.Staff = staffModel(conn)
    this.Redemption = pointsMallModels(conn).Redemption
  }

  async reveal(
    memberId: string,
    field: PersonalField,
    reason: string,
    caller: AuditCaller,
    now: Date,
  ): Promise<RevealFieldResponse> {
    const member = await this.members.getUnerased(memberId) // nothing personal is left to reveal
    await recordBeforeAnswer(this.Audit, caller, REVEAL_ACTION, { id: memberId, field, reason }, now)
    return { memberId, field, value: clearValue(member, field), revealedAt: now.toISOString() }
  }

  /** The delivery address of a gift redemption in clear, for shipping it; recorded like a field's reveal. */
  async revealAddress(
    redemptionId: string,
    reason: string,
    caller: AuditCaller,
    now: Date,
  ): Promise<{ redemptionId: string; address: AddressInput }> {
    const r = await findById<GiftRedemptionDoc>(this.Redemption, redemptionId)
    if (!r?.address) throw new DomainError('REDEMPTION.NOT_FOUND', 'no delivery redemption with this id')
    const target = { id: redemptionId, memberId: r.memberId, field: 'address', reason }
    await recordBeforeAnswer(this.Audit, caller, ADDRESS_ACTION, target, now)
    return { redemptionId, address: r.address }
  }

  /**
   * A saved segment's members, one row each: member number, nickname, phone, birthday, tier, joined. Masked
   * unless `reason` is given. The file's first line names the operator, the time and what was exported.
   */
  async exportSegment(
    segmentId: string,
    reason: string | undefined,
    caller: AuditCaller,
    now: Date,
  ): Promise<MemberExport> {
    const [{ name, members }, { tiers }, operator] = await Promise.all([
      this.segments.exportable(segmentId, now),
      this.rules.current(),
      caller.staffId ? this.Staff.findById(caller.staffId, { displayName: 1 }).lean<StaffDoc>().exec() : null,
    ])
    const clear = reason !== undefined
    const rows = members.map(({ member: m }) => [
      m._id,
      clear ? m.nickname : maskName(m.nickname),
      clear ? m.phone : maskPhone(m.phone),
      clear ? (m.birthday ?? null) : maskBirthday(m.birthday),
      tierByLevel(tiers, m.tierLevel).name,
      shanghaiDateTime(m.joinedAt),
    ])
    const target = { id: segmentId, name, rowCount: rows.length, clear, ...(clear ? { reason } : {}) }
    await recordBeforeAnswer(this.Audit, caller, EXPORT_ACTION, target, now)

    const who = `${ROLE_NAMES[caller.role ?? ''] ?? '员工'} ${operator?.displayName ?? ''}（账号 ${caller.staffId}）`
    const header =
      `导出人：${who}；导出时间：${shanghaiDateTime(now, { seconds: true })}（北京时间）；` +
      `分群：${name}；共 ${rows.length} 位会员；` +
      (clear ? `个人信息：明文（原因：${reason}）` : '个人信息：已脱敏')
    const table = toCsv(['会员号', '昵称', '手机号', '生日', '会员等级', '入会时间'], rows)
    return {
      filename: `分群_${name}_${shanghaiDateTime(now).slice(0, 10)}.csv`,
      csv: `${toCsv([header], [])}${table}`,
      rowCount: rows.length,
    }
  }
}

function clearValue(member: MemberDoc, field: PersonalField): string | null {
  if (field === 'nickname') return member.nickname
  if (field === 'phone') return member.phone
  return member.birthday ?? null
}
