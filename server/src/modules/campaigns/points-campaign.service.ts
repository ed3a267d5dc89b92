import { Schema, trusted, type Connection, type Model } from 'mongoose'
import {
  addDays, budgetPeriodKey, campaignDaysFrom, shanghaiDay, simulatePointsCampaign, startOfShanghaiDay, SIMULATION_SAMPLE_DAYS,
  type EarningFactors, type PointsCampaign, type PointsCampaignSimulation, type PointsCampaignView, type SampledPurchase,
} from '@mall/shared'
import { getModel } from '../../db/connect'
import { DomainError } from '../../http/domain-error'
import { ledgerModels, type LedgerEntryDoc } from '../ledger/ledger.model'
import type { ProgramRules } from '../points/program-rules'
import { PointsCampaignBudget } from './points-campaign-budget'

/** The operator's kill switch for one earning campaign (the campaign itself is an earning rule). */
interface ControlDoc {
  _id: string
  killed: boolean
  by: string
  at: Date
  note: string
}
const controlSchema = new Schema<ControlDoc>({ _id: String, killed: Boolean, by: String, at: Date, note: String }, { versionKey: false, collection: 'points_campaign_controls' })

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
  private readonly Entry: Model<LedgerEntryDoc>
  readonly budget: PointsCampaignBudget
  private controls: { at: number; rows: Map<string, ControlDoc> } | null = null

  constructor(conn: Connection, private readonly rules: ProgramRules) {
    this.Control = getModel(conn, 'PointsCampaignControl', controlSchema)
    this.Entry = ledgerModels(conn).Entry
    this.budget = new PointsCampaignBudget(conn)
  }

  /** Campaigns a purchase at `at` must skip: killed, or known to have used up this period's budget. */
  async stopped(campaigns: PointsCampaign[], at: Date): Promise<Set<string>> {
    const controls = await this.controlRows()
    return new Set(campaigns.filter((c) => controls.get(c.id)?.killed || this.exhaustedAsKnown(c, at)).map((c) => c.id))
  }

  /** Bonus points the budget lets this purchase add; undefined = the campaign has no cap. */
  async allowance(c: PointsCampaign, purchaseId: string, at: Date, desired: number, now: Date): Promise<number | undefined> {
    if (!c.budgetPoints) return undefined
    return this.budget.reserve(this.budgetKey(c, at), c.budgetPoints, purchaseId, desired, now)
  }

  async list(now: Date): Promise<PointsCampaignView[]> {
    const [{ earning }, controls] = await Promise.all([this.rules.current(), this.controlRows(true)])
    return Promise.all(earning.campaigns.map(async (c) => {
      const control = controls.get(c.id)
      const periodKey = budgetPeriodKey(c, now)
      const used = c.budgetPoints ? await this.budget.used(this.budgetKey(c, now)) : 0
      const budget = c.budgetPoints ? { points: c.budgetPoints, period: c.budgetPeriod ?? 'total', periodKey, used, left: Math.max(0, c.budgetPoints - used) } : null
      const nextDay = campaignDaysFrom(c, shanghaiDay(now), LOOKAHEAD_DAYS)[0] ?? null
      const status = control?.killed ? 'killed' : budget && budget.left === 0 ? 'paused_budget' : nextDay === shanghaiDay(now) ? 'running' : 'scheduled'
      return {
        campaign: c, status, nextDay, budget,
        stoppedBy: control?.killed ? control.by : null, stoppedAt: control?.killed ? control.at.toISOString() : null, stopNote: control?.killed ? control.note : '',
      }
    }))
  }

  async kill(id: string, staffId: string, note: string, now: Date): Promise<PointsCampaignView> {
    return this.setKilled(id, { _id: id, killed: true, by: staffId, at: now, note }, now)
  }

  async resume(id: string, staffId: string, note: string, now: Date): Promise<PointsCampaignView> {
    return this.setKilled(id, { _id: id, killed: false, by: staffId, at: now, note }, now)
  }

  /** What a campaign (saved or a draft) would touch, estimated from the last weeks' posted purchases. */
  async simulate(c: PointsCampaign, now: Date): Promise<PointsCampaignSimulation> {
    const since = startOfShanghaiDay(addDays(shanghaiDay(now), -SIMULATION_SAMPLE_DAYS))
    const [rows, used] = await Promise.all([
      this.Entry.find({ type: 'earn', createdAt: trusted({ $gte: since }) }, { memberId: 1, createdAt: 1, 'meta.storeId': 1, 'meta.breakdown': 1 })
        .lean<Pick<LedgerEntryDoc, 'memberId' | 'createdAt' | 'meta'>[]>().exec(),
      c.budgetPoints ? this.budget.used(this.budgetKey(c, now)) : 0,
    ])
    const sample: SampledPurchase[] = rows.flatMap((r) => {
      const b = r.meta.breakdown as EarningFactors | undefined
      if (!b || typeof r.meta.storeId !== 'string') return []
      const factors = { basePoints: b.basePoints, tierMultiplierPermille: b.tierMultiplierPermille, storeMultiplierPermille: b.storeMultiplierPermille, categoryMultiplierPermille: b.categoryMultiplierPermille }
      return [{ memberId: r.memberId, storeId: r.meta.storeId, day: shanghaiDay(new Date(r.createdAt)), factors }]
    })
    return simulatePointsCampaign(c, sample, now, used)
  }

  async campaign(id: string): Promise<PointsCampaign> {
    const found = (await this.rules.current()).earning.campaigns.find((c) => c.id === id)
    if (!found) throw new DomainError('CAMPAIGN.NOT_FOUND', 'points campaign not found')
    return found
  }

  private async setKilled(id: string, doc: ControlDoc, now: Date): Promise<PointsCampaignView> {
    await this.campaign(id)
    await this.Control.replaceOne({ _id: id }, doc, { upsert: true }).exec()
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

  private async controlRows(fresh = false): Promise<Map<string, ControlDoc>> {
    if (!fresh && this.controls && Date.now() - this.controls.at < CONTROLS_MS) return this.controls.rows
    const rows = await this.Control.find({}).lean<ControlDoc[]>().exec()
    this.controls = { at: Date.now(), rows: new Map(rows.map((r) => [r._id, { ...r, at: new Date(r.at) }])) }
    return this.controls.rows
  }
}
