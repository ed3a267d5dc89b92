import { randomInt } from 'node:crypto'
import type { Connection } from 'mongoose'
import {
  claimBlocker,
  couponHeadline,
  shanghaiDay,
  type ClaimableCoupon,
  type CouponTemplateInput,
  type MemberCoupon,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { couponSlots, slotsTaken } from './slot-allocator'
import { DomainError } from '../../errors/domain-error'
import type { MemberService } from '../members/member.service'
import type { CouponBook } from './coupon-book'
import type { TemplateCache } from './template-cache'
import { couponModels, type CouponDoc, type CouponModels, type CouponTemplateDoc } from './coupon.model'

/** Templates (operators create them) and the member's views: coupon centre and "my coupons". */
export class CouponCatalogService {
  private readonly m: CouponModels

  constructor(
    conn: Connection,
    private readonly members: MemberService,
    private readonly book: CouponBook,
    private readonly templates: TemplateCache,
  ) {
    this.m = couponModels(conn)
  }

  async createTemplate(input: CouponTemplateInput, createdBy: string, now: Date): Promise<CouponTemplateDoc> {
    for (let attempt = 0; attempt < 20; attempt++) {
      // 6 digits: the template number is part of the numeric redemption code.
      const doc: CouponTemplateDoc = {
        ...input,
        _id: String(randomInt(100_000, 1_000_000)),
        status: 'active',
        createdAt: now,
        createdBy,
      }
      if (await insertOnce(this.m.Template, doc as never)) {
        this.templates.forget(doc._id)
        return doc
      }
    }
    throw new DomainError('INTERNAL', 'could not allocate a template id')
  }

  /** A template changed in the console (status): the next claim or view reads it afresh. */
  forgetTemplate(id: string): void {
    this.templates.forget(id)
  }

  async listTemplates(): Promise<CouponTemplateDoc[]> {
    return this.m.Template.find({}).sort({ createdAt: -1 }).limit(500).lean<CouponTemplateDoc[]>().exec()
  }

  /** The coupon centre: every template whose claim window is open, with stock and eligibility. */
  async claimable(memberId: string, now: Date): Promise<ClaimableCoupon[]> {
    const templates = (await this.templates.active()).filter((t) => new Date(t.claimEnd) >= now)
    // The member row, read now (not from the display cache: another process may have opened the book
    // since), gives the tier and the book's pointer count. A member who never claimed costs this read
    // alone; a claimer one probe more and two reads per coupon of an open template (the others none).
    const member = await this.members.get(memberId)
    const mine = await this.book.coupons(memberId, new Set(templates.map((t) => t._id)), member.bookHint ?? null)
    const issued = new Map(
      await Promise.all(
        templates.flatMap((t) =>
          t.stock === null ? [] : [this.slotsTaken(t._id, t.stock).then((n) => [t._id, n] as const)],
        ),
      ),
    )
    return templates
      .sort((a, b) => (a.claimStart < b.claimStart ? 1 : -1))
      .map((t) => {
        const claimedByMe = mine.filter((c) => c.templateId === t._id).length
        const stockLeft = t.stock === null ? null : Math.max(0, t.stock - (issued.get(t._id) ?? 0))
        const blocker =
          claimBlocker(t, member.tierLevel, now) ??
          (stockLeft === 0 ? 'SOLD_OUT' : claimedByMe >= t.perMemberLimit ? 'LIMIT_REACHED' : null)
        return {
          templateId: t._id,
          name: t.name,
          type: t.type,
          headline: couponHeadline(t),
          stockLeft,
          pricePoints: t.pricePoints,
          perMemberLimit: t.perMemberLimit,
          claimedByMe,
          claimEnd: t.claimEnd,
          blocker,
          validityText: validityText(t),
          storeIds: t.storeIds,
        }
      })
  }

  async myCoupons(memberId: string, status: MemberCoupon['status'], now: Date): Promise<MemberCoupon[]> {
    const coupons = await this.book.coupons(memberId)
    const templates = await this.templatesById(coupons.map((c) => c.templateId))
    return coupons
      .filter((c) => c.state !== 'pending_payment')
      .map((c) => toMemberCoupon(c, templates.get(c.templateId)!, now))
      .filter((c) => c.status === status)
      .sort((a, b) => (status === 'unused' ? (a.validTo < b.validTo ? -1 : 1) : a.claimedAt < b.claimedAt ? 1 : -1))
  }

  /** Coupons left of a template (null = unlimited); display and simulation only. */
  async stockLeft(templateId: string): Promise<number | null> {
    const t = (await this.templatesById([templateId])).get(templateId)
    if (!t || t.stock === null) return null
    return Math.max(0, t.stock - (await this.slotsTaken(t._id, t.stock)))
  }

  /** Slots taken, for the "N left" display (see slotsTaken). */
  private slotsTaken(templateId: string, stock: number): Promise<number> {
    return slotsTaken(couponSlots(this.m), templateId, stock)
  }

  async templatesById(ids: string[]): Promise<Map<string, CouponTemplateDoc>> {
    const unique = [...new Set(ids)]
    const rows = await Promise.all(unique.map((id) => this.templates.get(id)))
    return new Map(rows.filter((t): t is CouponTemplateDoc => t !== null).map((t) => [t._id, t]))
  }
}

export function toMemberCoupon(c: CouponDoc, t: CouponTemplateDoc, now: Date): MemberCoupon {
  const status = c.state === 'redeemed' ? 'used' : new Date(c.validTo) < now ? 'expired' : 'unused'
  return {
    couponId: c._id,
    templateId: t._id,
    name: t.name,
    type: t.type,
    headline: couponHeadline(t),
    status,
    validFrom: c.validFrom,
    validTo: c.validTo,
    claimedAt: new Date(c.claimedAt).toISOString(),
    redeemedAt: c.redeemedAt ? new Date(c.redeemedAt).toISOString() : null,
    redeemedStoreId: c.redeemedStoreId,
    storeIds: t.storeIds,
    pricePoints: t.pricePoints,
  }
}

function validityText(t: CouponTemplateDoc): string {
  if (t.validity.kind === 'relative') return `领取后${t.validity.days}天内有效`
  const day = (iso: string) => shanghaiDay(new Date(iso))
  return `${day(t.validity.from)} 至 ${day(t.validity.to)} 有效`
}
