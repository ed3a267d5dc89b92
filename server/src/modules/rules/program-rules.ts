import { Schema, type Connection, type Model } from 'mongoose'
import {
  DEFAULT_CHECKIN_RULES,
  DEFAULT_EARNING_RULES,
  DEFAULT_REFERRAL_RULES,
  DEFAULT_TIERS,
  type CheckinRules,
  type EarningRules,
  type ReferralRules,
  type TierDefinition,
} from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * The programme's current rules (earning, expiry, tiers). Operators edit them (console issue);
 * until then the defaults from the source documents apply. Entries record `rulesVersion`.
 */
interface ProgramRulesDoc {
  _id: string
  earning: EarningRules
  tiers: TierDefinition[]
  checkin: CheckinRules
  referral: ReferralRules
}

export type Rules = Omit<ProgramRulesDoc, '_id'>
export type RulesPatch = {
  earning?: Partial<EarningRules>
  tiers?: TierDefinition[]
  checkin?: Partial<CheckinRules>
  referral?: Partial<ReferralRules>
}

const schema = new Schema<ProgramRulesDoc>(
  {
    _id: String,
    earning: Schema.Types.Mixed,
    tiers: Schema.Types.Mixed,
    checkin: Schema.Types.Mixed,
    referral: Schema.Types.Mixed,
  },
  { versionKey: false, collection: 'program_rules', minimize: false },
)

const CACHE_MS = 5_000

export class ProgramRules {
  private readonly Rules: Model<ProgramRulesDoc>
  private cached: { at: number; doc: Rules } | null = null

  constructor(conn: Connection) {
    this.Rules = getModel(conn, 'ProgramRules', schema)
  }

  async current(): Promise<Rules> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.doc
    const doc = await this.Rules.findById('current').lean<ProgramRulesDoc>().exec()
    const value: Rules = {
      earning: { ...DEFAULT_EARNING_RULES, ...(doc?.earning ?? {}) },
      tiers: doc?.tiers?.length ? doc.tiers : DEFAULT_TIERS,
      checkin: { ...DEFAULT_CHECKIN_RULES, ...(doc?.checkin ?? {}) },
      referral: { ...DEFAULT_REFERRAL_RULES, ...(doc?.referral ?? {}) },
    }
    this.cached = { at: Date.now(), doc: value }
    return value
  }

  /** Replaces the rules (tests, seeding; the console adds history on top of this). */
  /** Replaces sections; `version` is the programme version the console recorded (else +1). */
  async replace(patch: RulesPatch, version?: number): Promise<void> {
    this.cached = null
    const cur = await this.current()
    const next: Rules = {
      earning: { ...cur.earning, ...(patch.earning ?? {}), version: version ?? cur.earning.version + 1 },
      tiers: patch.tiers ?? cur.tiers,
      checkin: { ...cur.checkin, ...(patch.checkin ?? {}) },
      referral: { ...cur.referral, ...(patch.referral ?? {}) },
    }
    await this.Rules.updateOne({ _id: 'current' }, { $set: next }, { upsert: true }).exec()
    this.cached = null
  }
}
