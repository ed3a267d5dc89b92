import { randomBytes } from 'node:crypto'
import { trusted } from 'mongoose'
import {
  countPicks,
  fairnessReport,
  type LotteryAuditRow,
  type LotteryInput,
  type LotteryPrizeInput,
  type LotteryReportView,
  type LotteryVersionInput,
  type LotteryVersionView,
  type LotteryView,
} from '@mall/shared'
import type { BudgetChain } from '../../db/budget-chain'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { CouponCatalogService } from '../coupons/coupon-catalog.service'
import { LotteryStates } from './lottery-state'
import {
  versionId,
  type LotteryDoc,
  type LotteryDrawDoc,
  type LotteryModels,
  type LotteryVersionDoc,
} from './lottery.model'
import type { LotteryGifts } from './lottery.module'
import type { PrizeStock } from './prize-stock'

export const budgetKey = (lotteryId: string) => `lottery:${lotteryId}`
const AUDIT_LIMIT = 200
// The report reads every paid draw's RNG output; beyond this many it reports on the newest.
const REPORT_MAX_DRAWS = 500_000

/**
 * The operator's side of the lottery: setup, frozen prize versions, activation, kill switch, the
 * audit list and the fairness report.
 */
export class LotteryAdminService {
  readonly states: LotteryStates

  constructor(
    private readonly m: LotteryModels,
    private readonly deps: {
      catalog: CouponCatalogService
      gifts: LotteryGifts
      stock: PrizeStock
      budget: BudgetChain
    },
  ) {
    this.states = new LotteryStates(m)
  }

  async create(input: LotteryInput, staffId: string, now: Date): Promise<LotteryView> {
    await this.checkPrizes(input.prizes)
    const { prizes, consolationPrizeId, ...settings } = input
    for (;;) {
      const doc: LotteryDoc = {
        ...settings,
        _id: `l${randomBytes(4).toString('hex')}`,
        status: 'draft',
        createdBy: staffId,
        createdAt: now,
      }
      if (!(await insertOnce(this.m.Lottery, doc as never))) continue
      await this.insertVersion(doc._id, 1, { prizes, consolationPrizeId, effectiveFrom: input.startsAt }, staffId, now)
      return this.view(doc)
    }
  }

  async list(): Promise<LotteryView[]> {
    const rows = await this.m.Lottery.find({}).sort({ createdAt: -1 }).limit(100).lean<LotteryDoc[]>().exec()
    return Promise.all(rows.map(async (l) => this.view(await this.states.current(l))))
  }

  /** The lottery with the status its transition rows give it. */
  async get(id: string): Promise<LotteryDoc> {
    const l = await this.m.Lottery.findById(id).lean<LotteryDoc>().exec()
    if (!l) throw new DomainError('LOTTERY.NOT_FOUND', 'lottery not found')
    return this.states.current(l)
  }

  async getView(id: string): Promise<LotteryView> {
    return this.view(await this.get(id))
  }

  /**
   * A new frozen version of the prizes. Saved versions are never changed; on a live lottery the new
   * one starts now or later, so every draw made stays judged by the version it was drawn under.
   */
  async addVersion(id: string, input: LotteryVersionInput, staffId: string, now: Date): Promise<LotteryView> {
    const l = await this.get(id)
    if (l.status === 'killed') throw new DomainError('LOTTERY.INVALID_STATE', 'the lottery was stopped')
    if (l.status !== 'draft' && Date.parse(input.effectiveFrom) < now.getTime())
      throw new DomainError('LOTTERY.VERSION_IN_PAST', 'a live lottery takes new prizes from now on only')
    await this.checkPrizes(input.prizes)
    for (;;) {
      const latest = (await this.versions(id)).at(-1)?.version ?? 0
      if (await this.insertVersion(id, latest + 1, input, staffId, now)) return this.view(await this.get(id))
    }
  }

  async versions(id: string): Promise<LotteryVersionDoc[]> {
    return this.m.Version.find({ lotteryId: id }).sort({ version: 1 }).lean<LotteryVersionDoc[]>().exec()
  }

  /** The version draws use at `now`: the newest that has taken effect. */
  async versionAt(id: string, now: Date): Promise<LotteryVersionDoc | null> {
    const live = (await this.versions(id)).filter((v) => new Date(v.effectiveFrom).getTime() <= now.getTime())
    return live.at(-1) ?? null
  }

  async activate(id: string, staffId: string, now: Date): Promise<LotteryView> {
    const l = await this.get(id)
    if (l.status !== 'draft') throw new DomainError('LOTTERY.INVALID_STATE', `cannot activate a ${l.status} lottery`)
    if (!(await this.states.claim(id, 'activate', staffId, now)).won)
      throw new DomainError('LOTTERY.INVALID_STATE', 'activated meanwhile')
    return this.getView(id)
  }

  /** The kill switch: no draw starts after it, for good. */
  async kill(id: string, staffId: string, now: Date): Promise<LotteryView> {
    const l = await this.get(id)
    if (l.status === 'killed' || !(await this.states.claim(id, 'kill', staffId, now)).won)
      throw new DomainError('LOTTERY.INVALID_STATE', 'already stopped')
    return this.getView(id)
  }

  /** Every paid draw, newest first: member, time, RNG output, the prize picked and the prize given. */
  async audit(id: string): Promise<LotteryAuditRow[]> {
    await this.get(id)
    const rows = await this.m.Draw.find({ lotteryId: id, state: trusted({ $ne: 'pending_payment' }) })
      .sort({ at: -1 })
      .limit(AUDIT_LIMIT)
      .lean<LotteryDrawDoc[]>()
      .exec()
    return rows.map((d) => ({
      id: d._id,
      memberId: d.memberId,
      at: new Date(d.at).toISOString(),
      version: d.version,
      rng: d.rng,
      pickedPrizeId: d.pickedPrizeId,
      prizeId: d.prizeId,
      fallback: d.fallback,
      state: d.state,
    }))
  }

  /**
   * Per version: how often the RNG picked each prize (recomputed from the stored outputs, not read
   * from the stored pick) against the configured probabilities, with Pearson's chi-square p-value.
   */
  async report(id: string): Promise<LotteryReportView> {
    const l = await this.get(id)
    const draws = await this.m.Draw.find(
      { lotteryId: id, state: trusted({ $ne: 'pending_payment' }) },
      { version: 1, rng: 1 },
    )
      .sort({ at: -1 })
      .limit(REPORT_MAX_DRAWS)
      .lean<Pick<LotteryDrawDoc, 'version' | 'rng'>[]>()
      .exec()
    const won = await this.wonByPrize(l._id)
    const versions = (await this.versions(id)).map((v) => {
      const outputs = draws.filter((d) => d.version === v.version).map((d) => d.rng)
      const report = fairnessReport(v.prizes, countPicks(v.prizes, outputs))
      const names = new Map(v.prizes.map((p) => [p.id, p.name]))
      return {
        version: v.version,
        effectiveFrom: new Date(v.effectiveFrom).toISOString(),
        ...report,
        prizes: report.prizes.map((p) => ({ ...p, name: names.get(p.prizeId) ?? p.prizeId, won: won[p.prizeId] ?? 0 })),
      }
    })
    return { lotteryId: id, versions }
  }

  private async insertVersion(
    lotteryId: string,
    version: number,
    input: LotteryVersionInput,
    staffId: string,
    now: Date,
  ): Promise<boolean> {
    const doc: LotteryVersionDoc = {
      _id: versionId(lotteryId, version),
      lotteryId,
      version,
      effectiveFrom: new Date(input.effectiveFrom),
      prizes: input.prizes,
      consolationPrizeId: input.consolationPrizeId,
      createdBy: staffId,
      createdAt: now,
    }
    return insertOnce(this.m.Version, doc as never)
  }

  private async checkPrizes(prizes: LotteryPrizeInput[]): Promise<void> {
    const ids = prizes.flatMap((p) => (p.couponTemplateId ? [p.couponTemplateId] : []))
    const found = await this.deps.catalog.templatesById(ids)
    if (ids.some((t) => !found.has(t)))
      throw new DomainError('LOTTERY.PRIZE_UNSUITABLE', 'a coupon prize names a template that does not exist')
    for (const p of prizes)
      if (p.giftId && !(await this.deps.gifts.grantable(p.giftId)))
        throw new DomainError(
          'LOTTERY.PRIZE_UNSUITABLE',
          'a gift prize names a gift that does not exist or has no pickup',
        )
  }

  /**
   * Prizes won so far, per prize id over all versions: stock slots (probed by id), or for unlimited
   * prizes a count of outcomes, which scans on FerretDB and is left out with `limitedOnly` (members' pages).
   */
  async wonByPrize(lotteryId: string, opts: { limitedOnly?: boolean } = {}): Promise<Record<string, number>> {
    const latest = new Map<string, LotteryPrizeInput>()
    for (const v of await this.versions(lotteryId)) for (const p of v.prizes) latest.set(p.id, p)
    const out: Record<string, number> = {}
    for (const p of latest.values()) {
      if (p.stock === null && opts.limitedOnly) continue
      out[p.id] =
        p.stock !== null
          ? await this.deps.stock.won(lotteryId, p.id, p.stock)
          : await this.m.Outcome.countDocuments({ lotteryId, prizeId: p.id }).exec()
    }
    return out
  }

  private async view(l: LotteryDoc): Promise<LotteryView> {
    const versions: LotteryVersionView[] = (await this.versions(l._id)).map((v) => ({
      version: v.version,
      effectiveFrom: new Date(v.effectiveFrom).toISOString(),
      prizes: v.prizes,
      consolationPrizeId: v.consolationPrizeId,
      createdBy: v.createdBy,
      createdAt: new Date(v.createdAt).toISOString(),
    }))
    return {
      id: l._id,
      name: l.name,
      costPoints: l.costPoints,
      dailyLimit: l.dailyLimit,
      budgetPoints: l.budgetPoints,
      budgetUsed: await this.deps.budget.used(budgetKey(l._id)),
      startsAt: l.startsAt,
      endsAt: l.endsAt,
      status: l.status,
      versions,
      won: await this.wonByPrize(l._id),
      draws: await this.m.Draw.countDocuments({ lotteryId: l._id, state: trusted({ $ne: 'pending_payment' }) }).exec(),
      createdAt: new Date(l.createdAt).toISOString(),
    }
  }
}
