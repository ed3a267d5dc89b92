import { randomInt } from 'node:crypto'
import type { Connection } from 'mongoose'
import {
  giftBlocker,
  type ConfigVersionView,
  type GiftConfigView,
  type GiftImage,
  type GiftInput,
  type GiftUpdate,
  type MallCatalogue,
  type MallGift,
} from '@mall/shared'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { TtlCache } from '../../lib/ttl-cache'
import type { ConfigAdmin } from '../../http/mount-config'
import { slotsTaken } from '../coupons/slot-allocator'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import { pointsMallModels, type GiftDoc, type GiftSlotDoc, type PointsMallModels } from './points-mall.model'

// Gifts change rarely and every redemption reads one: another process sees an edit at most this late.
const GIFT_CACHE_MS = 2_000
const LIST_LIMIT = 500

export const giftImage = (imageId: string): GiftImage => ({
  imageId,
  thumbUrl: `/api/mall/images/${imageId}/thumb`,
  url: `/api/mall/images/${imageId}`,
})

function snapshot(g: GiftDoc): GiftInput {
  const { _id, createdAt: _createdAt, createdBy: _createdBy, configVersion: _version, ...config } = g
  return config
}

/**
 * The points mall's catalogue: operators create and edit gifts, each change a version in the config
 * history (db/config-history.ts); members see what is on offer, with stock left and whether they can
 * redeem it. Stock and limits never rest on these reads: the slot insert decides (gift-redemption).
 */
export class GiftCatalogueService implements ConfigAdmin<GiftInput, GiftUpdate, GiftConfigView> {
  private readonly m: PointsMallModels
  private readonly versions: ConfigHistory<GiftDoc, GiftInput>
  private readonly cache = new TtlCache<GiftDoc | null>(GIFT_CACHE_MS)

  constructor(
    conn: Connection,
    private readonly members: MemberService,
    private readonly ledger: LedgerService,
  ) {
    this.m = pointsMallModels(conn)
    const subject: ConfigSubject<GiftDoc, GiftInput> = {
      kind: 'gift',
      load: (id) => this.m.Gift.findById(id).lean<GiftDoc>().exec(),
      notFound: (id) => new DomainError('GIFT.NOT_FOUND', `gift ${id} not found`),
      snapshot,
      apply: async (id, after, version) => {
        await writeVersion(this.m.Gift, id, version, after as unknown as Record<string, unknown>)
        this.cache.invalidate(id)
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  /** The gift as redemptions read it (cached for two seconds); GIFT.NOT_FOUND if there is none. */
  async gift(id: string): Promise<GiftDoc> {
    const g = await this.cache.get(id, () => this.m.Gift.findById(id).lean<GiftDoc>().exec())
    if (!g) {
      this.cache.invalidate(id)
      throw new DomainError('GIFT.NOT_FOUND', 'gift not found')
    }
    return g
  }

  async list(): Promise<GiftConfigView[]> {
    const rows = await this.m.Gift.find({}).sort({ sort: 1, _id: 1 }).limit(LIST_LIMIT).lean<GiftDoc[]>().exec()
    return Promise.all(rows.map((g) => this.configView(g)))
  }

  async create(input: GiftInput, operatorId: string, at: Date): Promise<GiftConfigView> {
    for (let attempt = 0; attempt < 20; attempt++) {
      // 6 digits, like coupon templates: the gift number is part of the slot ids members never see.
      const doc: GiftDoc = {
        ...input,
        _id: String(randomInt(100_000, 1_000_000)),
        createdAt: at,
        createdBy: operatorId,
      }
      if (!(await insertOnce(this.m.Gift, doc as never))) continue
      // Recorded before it is marked applied: a crash in between is rolled forward on the next change.
      await this.versions.created(doc._id, input, { changedBy: operatorId, at, note: '' })
      await writeVersion(this.m.Gift, doc._id, 1, {})
      return this.configView({ ...doc, configVersion: 1 })
    }
    throw new DomainError('INTERNAL', 'could not allocate a gift id')
  }

  async update(id: string, input: GiftUpdate, operatorId: string, at: Date): Promise<GiftConfigView> {
    const { version, note, ...config } = input
    const g = await this.versions.change(id, version, () => config, { changedBy: operatorId, at, note })
    return this.configView(g)
  }

  history(id: string): Promise<ConfigVersionView[]> {
    return this.versions.history(id)
  }

  /** Slots of the gift left for sale (null for unlimited stock); exact whenever no redemption is in flight. */
  async stockLeft(g: Pick<GiftDoc, '_id' | 'stock'>): Promise<number | null> {
    if (g.stock === null) return null
    return Math.max(0, g.stock - (await slotsTaken(this.m.slots, g._id, g.stock)))
  }

  /** The member's catalogue: gifts on offer now or soon, sorted, each with why it cannot be redeemed. */
  async catalogue(memberId: string, now: Date): Promise<MallCatalogue> {
    const member = await this.members.getForDisplay(memberId)
    const [gifts, head, mine] = await Promise.all([
      this.m.Gift.find({ status: 'active' }).sort({ sort: 1, _id: 1 }).limit(LIST_LIMIT).lean<GiftDoc[]>().exec(),
      this.ledger.head(memberId, member.walletHint ?? null),
      this.m.Slot.find({ memberId }, { giftId: 1 }).lean<Pick<GiftSlotDoc, 'giftId'>[]>().exec(),
    ])
    const held = new Map<string, number>()
    for (const s of mine) held.set(s.giftId, (held.get(s.giftId) ?? 0) + 1)
    const open = gifts.filter((g) => !g.availableTo || new Date(g.availableTo) >= now)
    const items = await Promise.all(
      open.map((g) => this.memberView(g, member.tierLevel, head.state.balance, held.get(g._id) ?? 0, now)),
    )
    return {
      balance: head.state.balance,
      tierLevel: member.tierLevel,
      categories: [...new Set(items.map((g) => g.category))],
      items,
    }
  }

  /** One gift for the member's detail page (paused or ended ones too: a link may be old). */
  async detail(memberId: string, giftId: string, now: Date): Promise<MallGift & { balance: number }> {
    const member = await this.members.getForDisplay(memberId)
    const [g, head, mine] = await Promise.all([
      this.gift(giftId),
      this.ledger.head(memberId, member.walletHint ?? null),
      this.m.Slot.countDocuments({ giftId, memberId }).exec(),
    ])
    return {
      ...(await this.memberView(g, member.tierLevel, head.state.balance, mine, now)),
      balance: head.state.balance,
    }
  }

  private async memberView(g: GiftDoc, tier: number, balance: number, held: number, now: Date): Promise<MallGift> {
    const stockLeft = await this.stockLeft(g)
    const blocker =
      giftBlocker(g, tier, now) ??
      (stockLeft === 0 ? 'SOLD_OUT' : null) ??
      (held >= g.perMemberLimit ? 'LIMIT_REACHED' : null) ??
      (balance < g.pricePoints ? 'INSUFFICIENT_POINTS' : null)
    return {
      giftId: g._id,
      name: g.name,
      kind: g.kind,
      category: g.category,
      description: g.description,
      images: g.imageIds.map(giftImage),
      pricePoints: g.pricePoints,
      cashFen: g.cashFen,
      stockLeft,
      perMemberLimit: g.perMemberLimit,
      redeemedByMe: held,
      availableFrom: g.availableFrom,
      availableTo: g.availableTo,
      fulfilment: g.fulfilment,
      pickupDays: g.pickupDays,
      eligibleTiers: g.eligibleTiers,
      blocker,
    }
  }

  private async configView(g: GiftDoc): Promise<GiftConfigView> {
    return {
      ...snapshot(g),
      giftId: g._id,
      version: g.configVersion ?? 0,
      stockLeft: await this.stockLeft(g),
      images: g.imageIds.map(giftImage),
    }
  }
}
