import { Schema, type Connection, type Model } from 'mongoose'
import {
  checkinRulesSchema,
  earningRulesSchema,
  referralRulesSchema,
  tiersSchema,
  type RuleVersion,
} from '@mall/shared'
import * as z from 'zod'
import { getModel, insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { ProgramRules, Rules } from '../rules/program-rules'

type Section = 'earning' | 'tiers' | 'checkin' | 'referral'
const SCHEMAS: Record<Section, z.ZodType> = {
  earning: earningRulesSchema,
  tiers: tiersSchema,
  checkin: checkinRulesSchema,
  referral: referralRulesSchema,
}

/** One change of the programme rules: `_id` = the programme version it created. Append-only. */
interface RuleVersionDoc {
  _id: number
  section: Section
  changedBy: string
  changedAt: Date
  before: unknown
  after: unknown
  note: string
}
const versionSchema = new Schema<RuleVersionDoc>(
  {
    _id: Number,
    section: String,
    changedBy: String,
    changedAt: Date,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    note: String,
  },
  { versionKey: false, collection: 'rule_versions', minimize: false },
)

/**
 * Operators change the rules section by section. Each change is validated, recorded with who/when/
 * before/after under a new version number (taken by a unique insert), and the earning rules carry
 * that version, so every ledger entry says which rules produced it.
 */
export class RulesAdminService {
  private readonly Version: Model<RuleVersionDoc>

  constructor(
    conn: Connection,
    private readonly rules: ProgramRules,
  ) {
    this.Version = getModel(conn, 'RuleVersion', versionSchema)
  }

  current(): Promise<Rules> {
    return this.rules.current()
  }

  async change(
    section: Section,
    value: unknown,
    note: string,
    staffId: string,
    now: Date,
  ): Promise<{ version: number }> {
    const parsed = SCHEMAS[section].safeParse(value)
    if (!parsed.success) {
      throw new DomainError('VALIDATION.FAILED', `invalid ${section} rules`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      })
    }
    const before = (await this.rules.current())[section]
    for (;;) {
      const latest = await this.Version.findOne({}).sort({ _id: -1 }).lean<RuleVersionDoc>().exec()
      const version = Math.max(latest?._id ?? 0, 1) + 1 // version 1 is the defaults
      const after = section === 'earning' ? { ...(parsed.data as object), version } : parsed.data
      if (
        await insertOnce(this.Version, {
          _id: version,
          section,
          changedBy: staffId,
          changedAt: now,
          before,
          after,
          note,
        })
      ) {
        await this.rules.replace({ [section]: after } as never, section === 'earning' ? version : undefined)
        return { version }
      }
    }
  }

  async history(): Promise<RuleVersion[]> {
    const rows = await this.Version.find({}).sort({ _id: -1 }).limit(200).lean<RuleVersionDoc[]>().exec()
    return rows.map((r) => ({
      version: r._id,
      section: r.section,
      changedBy: r.changedBy,
      changedAt: new Date(r.changedAt).toISOString(),
      before: r.before,
      after: r.after,
      note: r.note,
    }))
  }
}
