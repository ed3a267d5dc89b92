import { Schema, type Connection, type Model } from 'mongoose'
import { DEFAULT_EARNING_RULES, DEFAULT_TIERS, type EarningRules, type TierDefinition } from '@mall/shared'
import { getModel } from '../../db/connect'

/**
 * The programme's current rules (earning, expiry, tiers). Operators edit them (console issue);
 * until then the defaults from the source documents apply. Entries record `rulesVersion`.
 */
interface ProgramRulesDoc {
  _id: string
  earning: EarningRules
  tiers: TierDefinition[]
}

const schema = new Schema<ProgramRulesDoc>(
  { _id: String, earning: Schema.Types.Mixed, tiers: Schema.Types.Mixed },
  { versionKey: false, collection: 'program_rules', minimize: false },
)

const CACHE_MS = 5_000

export class ProgramRules {
  private readonly Rules: Model<ProgramRulesDoc>
  private cached: { at: number; doc: { earning: EarningRules; tiers: TierDefinition[] } } | null = null

  constructor(conn: Connection) {
    this.Rules = getModel(conn, 'ProgramRules', schema)
  }

  async current(): Promise<{ earning: EarningRules; tiers: TierDefinition[] }> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.doc
    const doc = await this.Rules.findById('current').lean<ProgramRulesDoc>().exec()
    const value = { earning: { ...DEFAULT_EARNING_RULES, ...(doc?.earning ?? {}) }, tiers: doc?.tiers?.length ? doc.tiers : DEFAULT_TIERS }
    this.cached = { at: Date.now(), doc: value }
    return value
  }

  /** Replaces the rules (tests, seeding; the console adds history on top of this). */
  async replace(patch: { earning?: Partial<EarningRules>; tiers?: TierDefinition[] }): Promise<void> {
    const cur = await this.current()
    const earning = { ...cur.earning, ...(patch.earning ?? {}), version: cur.earning.version + 1 }
    await this.Rules.updateOne({ _id: 'current' }, { $set: { earning, tiers: patch.tiers ?? cur.tiers } }, { upsert: true }).exec()
    this.cached = null
  }
}
