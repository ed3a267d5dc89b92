import { Schema, type Connection, type Model } from 'mongoose'
import {
  checkinRulesSchema,
  earningRulesSchema,
  referralRulesSchema,
  tiersSchema,
  type RuleVersion,
} from '@mall/shared'
import * as z from 'zod'
import { AppendChain } from '../../db/append-chain'
import { getModel } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { ProgramRules, Rules } from '../rules/program-rules'

type Section = 'earning' | 'tiers' | 'checkin' | 'referral'
/** the one chain of rule versions */
const PROGRAMME = 'programme'
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
  /**
   * The programme's versions as one chain (db/append-chain.ts) whose `_id` is the version itself.
   * Each change starts from the newest recorded version (version 1 is the defaults, never recorded).
   */
  private readonly versions: AppendChain<RuleVersionDoc>

  constructor(
    conn: Connection,
    private readonly rules: ProgramRules,
  ) {
    this.Version = getModel(conn, 'RuleVersion', versionSchema)
    this.versions = new AppendChain<RuleVersionDoc>({
      model: this.Version,
      rowId: (_programme, version) => version,
      hints: {
        read: async () => {
          const latest = await this.Version.findOne({}).sort({ _id: -1 }).lean<RuleVersionDoc>().exec()
          return { n: Math.max(latest?._id ?? 0, 1), value: null }
        },
      },
    })
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
    const appended = await this.versions.append(PROGRAMME, (head) => ({
      section,
      changedBy: staffId,
      changedAt: now,
      before,
      after: section === 'earning' ? { ...(parsed.data as object), version: head.n + 1 } : parsed.data,
      note,
    }))
    const { _id: version, after } = appended!.row
    await this.rules.replace({ [section]: after } as never, section === 'earning' ? version : undefined)
    return { version }
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
