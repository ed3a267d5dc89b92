import { randomBytes } from 'node:crypto'
import { trusted, type Connection } from 'mongoose'
import {
  campaignOpen,
  grantPeriod,
  shanghaiDay,
  shanghaiMonth,
  tierByLevel,
  type CampaignInput,
  type CampaignRunResult,
  type CampaignSimulation,
  type CampaignView,
  type SegmentDefinition,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import type { CouponClaimService } from '../coupons/claim.service'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import { CampaignGrantSlots } from './campaign-grant-slots'
import { CampaignStates } from './campaign-state'
import { campaignModels, type CampaignDoc, type CampaignGrantDoc, type CampaignModels } from './campaign.model'

/** Who a campaign reaches; the member-insight module answers it from member profiles. */
export interface CampaignAudience {
  matching(definition: SegmentDefinition, now: Date): Promise<{ memberId: string; tierLevel: number }[]>
  definitionOf(segmentId: string): Promise<SegmentDefinition | null>
}
type Member = { memberId: string; tierLevel: number }

const STALE_GRANT_MS = 30_000
// The run re-reads the campaign this often, so the kill switch stops a long run within a second.
const KILL_CHECK_MS = 1_000
const POINT_VALUE_FEN = 1 // 100 points = 1 yuan

/**
 * Campaigns that grant points and/or a coupon to an audience: birthday gifts, targeted coupon drops,
 * win-back offers. The budget is a number of grant slots taken by unique inserts, so it can never be
 * overspent, even by two runs at once; when the slots run out the campaign pauses itself.
 */
export class CampaignService {
  private readonly m: CampaignModels
  private readonly states: CampaignStates
  private readonly slots: CampaignGrantSlots

  constructor(
    conn: Connection,
    private readonly deps: {
      ledger: LedgerService
      rules: ProgramRules
      coupons: CouponClaimService
      catalog: CouponCatalogService
      audience: CampaignAudience
    },
  ) {
    this.m = campaignModels(conn)
    this.states = new CampaignStates(conn, this.m.Campaign)
    this.slots = new CampaignGrantSlots(this.m)
  }

  async create(input: CampaignInput, staffId: string, now: Date): Promise<CampaignView> {
    await this.checkSetup(input)
    for (;;) {
      const doc: CampaignDoc = {
        ...input,
        _id: `c${randomBytes(4).toString('hex')}`,
        status: 'draft',
        createdBy: staffId,
        createdAt: now,
        stoppedBy: null,
        stoppedAt: null,
      }
      if (await insertOnce(this.m.Campaign, doc as never)) return this.view(doc)
    }
  }

  async list(): Promise<CampaignView[]> {
    const rows = await this.m.Campaign.find({}).sort({ createdAt: -1 }).limit(200).lean<CampaignDoc[]>().exec()
    return Promise.all(rows.map(async (c) => this.view(await this.states.current(c))))
  }

  /** The campaign with the status its transition rows give it (campaign-state.ts). */
  async get(id: string): Promise<CampaignDoc> {
    const c = await this.m.Campaign.findById(id).lean<CampaignDoc>().exec()
    if (!c) throw new DomainError('CAMPAIGN.NOT_FOUND', 'campaign not found')
    return this.states.current(c)
  }

  async activate(id: string, staffId: string, now: Date): Promise<CampaignView> {
    const c = await this.get(id)
    if (c.status !== 'draft') throw new DomainError('CAMPAIGN.INVALID_STATE', `cannot activate a ${c.status} campaign`)
    await this.checkSetup(c)
    if (!(await this.states.claim(id, 'activate', staffId, now)).won)
      throw new DomainError('CAMPAIGN.INVALID_STATE', 'activated meanwhile')
    const after = await this.get(id)
    if (after.status !== 'active')
      throw new DomainError('CAMPAIGN.INVALID_STATE', `the campaign was ${after.status} meanwhile`)
    return this.view(after)
  }

  /** The kill switch: stops the campaign for good, including a run in progress (within a second). */
  async kill(id: string, staffId: string, now: Date): Promise<CampaignView> {
    const c = await this.get(id)
    if (c.status === 'killed' || !(await this.states.claim(id, 'kill', staffId, now)).won) {
      throw new DomainError('CAMPAIGN.INVALID_STATE', 'already stopped')
    }
    return this.view(await this.get(id))
  }

  async grants(id: string): Promise<CampaignGrantDoc[]> {
    await this.get(id)
    return this.m.Grant.find({ campaignId: id }).sort({ slot: -1 }).limit(200).lean<CampaignGrantDoc[]>().exec()
  }

  /** What a run now would do, for a saved campaign or a draft that is not saved yet. */
  async simulate(input: CampaignInput & { _id?: string }, now: Date): Promise<CampaignSimulation> {
    await this.checkSetup(input)
    const audience = await this.audienceOf(input, now)
    const granted = input._id ? await this.slots.grantedKeys(input._id) : new Set<string>()
    const period = grantPeriod(input.kind, shanghaiDay(now))
    const fresh = audience.filter((a) => !granted.has(`${a.memberId}:${period}`))
    const budgetLeft = Math.max(
      0,
      input.budget.maxGrants - (input._id ? await this.slots.taken(input._id, input.budget.maxGrants) : 0),
    )
    const chosen = fresh.slice(0, budgetLeft)
    const { tiers } = await this.deps.rules.current()
    const points = chosen.reduce((sum, a) => sum + this.pointsFor(input, tiers, a.tierLevel), 0)
    const couponStockLeft = input.reward.couponTemplateId
      ? await this.deps.catalog.stockLeft(input.reward.couponTemplateId)
      : null
    const coupons = input.reward.couponTemplateId ? chosen.length : 0
    const warnings: string[] = []
    if (fresh.length > budgetLeft) warnings.push(`预算不足：${fresh.length - budgetLeft} 名符合条件的会员将领不到`)
    if (couponStockLeft !== null && couponStockLeft < coupons)
      warnings.push(`券库存不足：还剩 ${couponStockLeft} 张，需要 ${coupons} 张`)
    if (now.getTime() >= Date.parse(input.endsAt)) warnings.push('活动时间已结束')
    if (audience.length === 0)
      warnings.push(input.kind === 'birthday_gift' ? '本月没有登记了生日的会员符合条件' : '该分群当前没有会员')
    return {
      matched: audience.length,
      alreadyGranted: audience.length - fresh.length,
      wouldGrant: chosen.length,
      budgetLeft,
      points,
      pointsValueFen: points * POINT_VALUE_FEN,
      coupons,
      couponStockLeft,
      warnings,
    }
  }

  /** Grants to every member of the audience not yet granted in this period, until the budget runs out. */
  async run(id: string, now: Date): Promise<CampaignRunResult> {
    let c = await this.get(id)
    if (!campaignOpen(c, now)) return { granted: 0, skipped: 0, status: c.status }
    const [audience, granted, { tiers }] = await Promise.all([
      this.audienceOf(c, now),
      this.slots.grantedKeys(id),
      this.deps.rules.current(),
    ])
    const period = grantPeriod(c.kind, shanghaiDay(now))
    let slot = (await this.slots.taken(id, c.budget.maxGrants)) + 1
    let checkedAt = Date.now()
    const result = { granted: 0, skipped: 0 }
    for (const member of audience) {
      const memberKey = `${member.memberId}:${period}`
      if (granted.has(memberKey)) continue
      if (Date.now() - checkedAt > KILL_CHECK_MS) {
        c = await this.get(id)
        checkedAt = Date.now()
        if (c.status !== 'active') break
      }
      const taken = await this.slots.take(c, member, memberKey, slot, this.pointsFor(c, tiers, member.tierLevel), now)
      if (taken === 'budget_exhausted') {
        await this.states.claim(id, 'budget', 'budget', now)
        await this.get(id) // writes the status the rows now give it
        break
      }
      if (taken === 'already_granted') result.skipped++
      else {
        slot = taken.slot + 1
        await this.reward(c, taken, now)
        result.granted++
      }
    }
    return { ...result, status: (await this.get(id)).status }
  }

  /** Every open campaign, daily (birthdays of the month, members newly in a win-back segment). */
  async runAll(now: Date): Promise<Record<string, CampaignRunResult>> {
    const open = (await this.m.Campaign.find({ status: 'active' }).lean<CampaignDoc[]>().exec()).filter((c) =>
      campaignOpen(c, now),
    )
    const out: Record<string, CampaignRunResult> = {}
    for (const c of open) out[c._id] = await this.run(c._id, now)
    return out
  }

  /** Finishes grants whose reward a crash interrupted (the budget slot was taken, nothing posted). */
  async sweep(now: Date): Promise<number> {
    const stuck = await this.m.Grant.find({
      state: 'granted',
      at: trusted({ $lt: new Date(now.getTime() - STALE_GRANT_MS) }),
    })
      .lean<CampaignGrantDoc[]>()
      .exec()
    for (const g of stuck) await this.reward(await this.get(g.campaignId), g, now)
    return stuck.length
  }

  /** Posts the grant's points (keyed to the grant) and hands out its coupon; safe to repeat. */
  private async reward(c: CampaignDoc, g: CampaignGrantDoc, now: Date): Promise<void> {
    const set: Partial<CampaignGrantDoc> = { state: 'rewarded' }
    if (g.points > 0) {
      const { earning } = await this.deps.rules.current()
      await this.deps.ledger.post({
        memberId: g.memberId,
        eventKey: `campaign:${c._id}:${g.memberKey}`,
        type: 'adjust',
        now,
        plan: () => ({
          op: { kind: 'credit', points: g.points, earnedMonth: shanghaiMonth(now), expiryMonths: earning.expiryMonths },
          meta: { reason: c.kind === 'birthday_gift' ? '生日礼积分' : c.name, campaignId: c._id },
        }),
      })
    }
    if (c.reward.couponTemplateId) {
      // The template's per-member limit is 1 (checked at setup), so a repeat after a crash is refused, not doubled.
      try {
        set.couponId = (await this.deps.coupons.grant(g.memberId, c.reward.couponTemplateId, now))._id
      } catch (err) {
        if (!(err instanceof DomainError)) throw err
        set.couponRefusal = err.code
      }
    }
    await this.m.Grant.updateOne({ _id: g._id }, { $set: set }).exec()
  }

  private pointsFor(
    c: Pick<CampaignInput, 'kind' | 'reward'>,
    tiers: Parameters<typeof tierByLevel>[0],
    tierLevel: number,
  ): number {
    if (c.reward.points !== null) return c.reward.points
    return c.kind === 'birthday_gift' ? tierByLevel(tiers, tierLevel).benefits.birthdayGiftPoints : 0
  }

  private async audienceOf(c: Pick<CampaignInput, 'kind' | 'segmentId'>, now: Date): Promise<Member[]> {
    let definition: SegmentDefinition = {}
    if (c.segmentId) {
      const found = await this.deps.audience.definitionOf(c.segmentId)
      if (!found) throw new DomainError('SEGMENT.NOT_FOUND', 'segment not found')
      definition = found
    }
    if (c.kind === 'birthday_gift') definition = { ...definition, birthdayThisMonth: true }
    return this.deps.audience.matching(definition, now)
  }

  private async checkSetup(c: Pick<CampaignInput, 'kind' | 'segmentId' | 'reward'>): Promise<void> {
    if (c.segmentId && !(await this.deps.audience.definitionOf(c.segmentId)))
      throw new DomainError('SEGMENT.NOT_FOUND', 'segment not found')
    if (c.reward.couponTemplateId) {
      const [t] = [...(await this.deps.catalog.templatesById([c.reward.couponTemplateId])).values()]
      if (!t) throw new DomainError('COUPON.NOT_FOUND', 'coupon template not found')
      if (t.perMemberLimit !== 1)
        throw new DomainError('CAMPAIGN.COUPON_UNSUITABLE', 'campaign coupons must be limited to 1 per member')
    }
  }

  private async view(c: CampaignDoc): Promise<CampaignView> {
    const { _id, createdAt, stoppedAt, ...rest } = c
    return {
      ...rest,
      id: _id,
      grants: await this.slots.taken(_id, c.budget.maxGrants),
      createdAt: new Date(createdAt).toISOString(),
      stoppedAt: stoppedAt ? new Date(stoppedAt).toISOString() : null,
    }
  }
}
