import { Schema, trusted, type Connection, type Model } from 'mongoose'
import {
  activeCampaign,
  addDays,
  budgetPeriodKey,
  campaignDaysFrom,
  shanghaiDay,
  simulatePointsCampaign,
  startOfShanghaiDay,
  SIMULATION_SAMPLE_DAYS,
  earnedWithCampaign,
  earningFactors,
  type EarningFactors,
  type EarningRules,
  type PointsCampaign,
  type PointsCampaignSimulation,
  type PointsCampaignView,
  type PurchasePointsInput,
  type SampledPurchase,
} from '@mall/shared'
import { getModel } from '../../db/connect'
import { TransitionChain, writeConverging } from '../../db/transitions'
import { DomainError } from '../../errors/domain-error'
import { ledgerModels, type LedgerEntryDoc } from '../ledger/ledger.model'
import type { ProgramRules } from '../rules/program-rules'
import { BudgetChain } from '../../db/budget-chain'

/**
 * The operator's kill switch for one earning campaign (the campaign itself is an earning rule): the
 * cache of its switch chain (`chain` rows), which the purchase path reads all at once.
 */
interface ControlDoc {
  _id: string
  killed: boolean
  by: string
  at: Date
  note: string
  chain?: number
}
const controlSchema = new Schema<ControlDoc>(
  { _id: String, killed: Boolean, by: String, at: Date, note: String, chain: Number },
  { versionKey: false, collection: 'points_campaign_controls' },
)

/**
 * Each use of the switch is a row decided by its insert: `<campaign>:s<k>`, a kill when k is odd and a
 * resume when even (db/transitions.ts TransitionChain). Of a kill and a resume racing, one is the next row
 * and the other is refused; the control row follows the chain.
 */
interface SwitchDoc {
  _id: string
  campaignId: string
  killed: boolean
  by: string
  at: Date
  note: string
  settled: boolean
}
const switchSchema = new Schema<SwitchDoc>(
  { _id: String, campaignId: String, killed: Boolean, by: String, at: Date, note: String, settled: Boolean },
  { versionKey: false, collection: 'points_campaign_switches' },
)

/** What the campaign step needs of a purchase: its store and time, and its earning factors. */
type CampaignPurchase = Pick<
  PurchasePointsInput,
  'amountFen' | 'tierMultiplierPermille' | 'storeId' | 'storeMultiplierPermille' | 'storeCategory' | 'now'
>

// Purchases read the kill switches this stale at most in other processes; this one forgets at once.
const CONTROLS_MS = 5_000
const LOOKAHEAD_DAYS = 60

/**
 * Double-points days and member day, steered: a bonus-point budget that pauses the campaign when
 * used up, a kill switch that stops it without editing the rules, and a simulator over the last
 * weeks' purchases.
 */
export class PointsCampaignService {
  private readonly Control: Model<ControlDoc>
  private readonly switches: TransitionChain<SwitchDoc>
  private readonly Entry: Model<LedgerEntryDoc>
  readonly budget: BudgetChain
  private controls: { at: number; rows: Map<string, ControlDoc> } | null = null

  constructor(
    conn: Connection,
    private readonly rules: ProgramRules,
  ) {
    this.Control = getModel(conn, 'PointsCampaignControl', controlSchema)
    this.switches = new TransitionChain(getModel(conn, 'PointsCampaignSwitch', switchSchema), (id, k) => `${id}:s${k}`)
    this.Entry = ledgerModels(conn).Entry
    this.budget = new BudgetChain(conn, { collection: 'points_campaign_budget', model: 'PointsCampaignBudget' })
  }

  /** Campaigns a purchase at `at` must skip: killed, or known to have used up this period's budget. */
  async stopped(campaigns: PointsCampaign[], at: Date): Promise<Set<string>> {
    const controls = await this.controlRows()
    return new Set(campaigns.filter((c) => controls.get(c.id)?.killed || this.exhaustedAsKnown(c, at)).map((c) => c.id))
  }

  /**
   * The campaigns a purchase earns under, for its posting: those it must skip, and the bonus the campaign
   * running for it may add, reserved in the campaign's budget now (before the posting: the ledger's plan
   * must stay synchronous). No campaign running, or one without a budget: no allowance (undefined).
   */
  async forPurchase(
    earning: EarningRules,
    purchase: CampaignPurchase,
    purchaseId: string,
    now: Date,
  ): Promise<{ stoppedCampaignIds: Set<string>; campaignBonusAllowance: number | undefined }> {
    const stoppedCampaignIds = await this.stopped(earning.campaigns, purchase.now)
    const campaign = activeCampaign(earning, purchase.storeId, purchase.now, stoppedCampaignIds)
    if (!campaign) return { stoppedCampaignIds, campaignBonusAllowance: undefined }
    const { bonus } = earnedWithCampaign(earningFactors(earning, purchase), campaign.multiplierPermille)
    const campaignBonusAllowance = await this.allowance(campaign, purchaseId, purchase.now, bonus, now)
    return { stoppedCampaignIds, campaignBonusAllowance }
  }

  /** Bonus points the budget lets this purchase add; undefined = the campaign has no cap. */
  async allowance(
    c: PointsCampaign,
    purchaseId: string,
    at: Date,
    desired: number,
    now: Date,
  ): Promise<number | undefined> {
    if (!c.budgetPoints) return undefined
    return this.budget.reserve(this.budgetKey(c, at), c.budgetPoints, purchaseId, desired, now)
  }

  async list(now: Date): Promise<PointsCampaignView[]> {
    const [{ earning }, controls] = await Promise.all([this.rules.current(), this.controlRows(true)])
    return Promise.all(
      earning.campaigns.map(async (c) => {
        const control = controls.get(c.id)
        const periodKey = budgetPeriodKey(c, now)
        const used = c.budgetPoints ? await this.budget.used(this.budgetKey(c, now)) : 0
        const budget = c.budgetPoints
          ? {
              points: c.budgetPoints,
              period: c.budgetPeriod ?? 'total',
              periodKey,
              used,
              left: Math.max(0, c.budgetPoints - used),
            }
          : null
        const nextDay = campaignDaysFrom(c, shanghaiDay(now), LOOKAHEAD_DAYS)[0] ?? null
        const status = control?.killed
          ? 'killed'
          : budget && budget.left === 0
            ? 'paused_budget'
            : nextDay === shanghaiDay(now)
              ? 'running'
              : 'scheduled'
        return {
          campaign: c,
          status,
          nextDay,
          budget,
          stoppedBy: control?.killed ? control.by : null,
          stoppedAt: control?.killed ? control.at.toISOString() : null,
          stopNote: control?.killed ? control.note : '',
        }
      }),
    )
  }

  async kill(id: string, staffId: string, note: string, now: Date): Promise<PointsCampaignView> {
    return this.setKilled(id, true, staffId, note, now)
  }

  async resume(id: string, staffId: string, note: string, now: Date): Promise<PointsCampaignView> {
    return this.setKilled(id, false, staffId, note, now)
  }

  /** What a campaign (saved or a draft) would touch, estimated from the last weeks' posted purchases. */
  async simulate(c: PointsCampaign, now: Date): Promise<PointsCampaignSimulation> {
    const since = startOfShanghaiDay(addDays(shanghaiDay(now), -SIMULATION_SAMPLE_DAYS))
    const [rows, used] = await Promise.all([
      this.Entry.find(
        { type: 'earn', createdAt: trusted({ $gte: since }) },
        { memberId: 1, createdAt: 1, 'meta.storeId': 1, 'meta.breakdown': 1 },
      )
        .lean<Pick<LedgerEntryDoc, 'memberId' | 'createdAt' | 'meta'>[]>()
        .exec(),
      c.budgetPoints ? this.budget.used(this.budgetKey(c, now)) : 0,
    ])
    const sample: SampledPurchase[] = rows.flatMap((r) => {
      const b = r.meta.breakdown as EarningFactors | undefined
      if (!b || typeof r.meta.storeId !== 'string') return []
      const factors = {
        basePoints: b.basePoints,
        tierMultiplierPermille: b.tierMultiplierPermille,
        storeMultiplierPermille: b.storeMultiplierPermille,
        categoryMultiplierPermille: b.categoryMultiplierPermille,
      }
      return [{ memberId: r.memberId, storeId: r.meta.storeId, day: shanghaiDay(new Date(r.createdAt)), factors }]
    })
    return simulatePointsCampaign(c, sample, now, used)
  }

  async campaign(id: string): Promise<PointsCampaign> {
    const found = (await this.rules.current()).earning.campaigns.find((c) => c.id === id)
    if (!found) throw new DomainError('CAMPAIGN.NOT_FOUND', 'points campaign not found')
    return found
  }

  /** Kills or resumes: the switch's next row, refused if the switch is already where it is asked to go. */
  private async setKilled(
    id: string,
    killed: boolean,
    by: string,
    note: string,
    now: Date,
  ): Promise<PointsCampaignView> {
    await this.campaign(id)
    const control = await this.Control.findById(id).lean<ControlDoc>().exec()
    const chain = await this.switches.read(id, control?.chain ?? 0)
    const k = chain.length + 1
    const claimed =
      (chain.length % 2 === 1) === killed
        ? null
        : await this.switches.claim({
            _id: this.switches.idOf(id, k),
            campaignId: id,
            killed,
            by,
            at: now,
            note,
            settled: true,
          })
    if (!claimed?.won) throw new DomainError('CAMPAIGN.INVALID_STATE', killed ? 'already stopped' : 'not stopped')
    await writeConverging(
      () => this.switches.read(id, k),
      async (c) => void (await this.writeControl(id, c.length, c.last ?? claimed.row)),
      (a, b) => a.length === b.length,
      { length: k, last: claimed.row },
    )
    this.controls = null
    return (await this.list(now)).find((v) => v.campaign.id === id)!
  }

  private budgetKey(c: PointsCampaign, at: Date): string {
    return `${c.id}:${budgetPeriodKey(c, at)}`
  }

  private exhaustedAsKnown(c: PointsCampaign, at: Date): boolean {
    if (!c.budgetPoints) return false
    const used = this.budget.knownUsed(this.budgetKey(c, at))
    return used !== null && used >= c.budgetPoints
  }

  private async writeControl(id: string, length: number, last: SwitchDoc): Promise<ControlDoc> {
    const doc = {
      _id: id,
      killed: length % 2 === 1,
      by: last.by,
      at: new Date(last.at),
      note: last.note,
      chain: length,
    }
    await this.Control.replaceOne({ _id: id }, doc, { upsert: true }).exec()
    return doc
  }

  private async controlRows(fresh = false): Promise<Map<string, ControlDoc>> {
    if (!fresh && this.controls && Date.now() - this.controls.at < CONTROLS_MS) return this.controls.rows
    const [rows, { earning }] = await Promise.all([
      this.Control.find({}).lean<ControlDoc[]>().exec(),
      this.rules.current(),
    ])
    const byId = new Map(rows.map((r) => [r._id, { ...r, at: new Date(r.at) }]))
    // A switch whose writer crashed before writing the control row is found by one probe per campaign.
    await Promise.all(
      earning.campaigns.map(async (c) => {
        const control = byId.get(c.id)
        const chain = await this.switches.read(c.id, control?.chain ?? (control?.killed ? 1 : 0))
        if (chain.last && chain.length !== (control?.chain ?? -1))
          byId.set(c.id, await this.writeControl(c.id, chain.length, chain.last))
      }),
    )
    this.controls = { at: Date.now(), rows: byId }
    return this.controls.rows
  }
}
