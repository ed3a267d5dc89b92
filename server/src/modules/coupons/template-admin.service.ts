import type { Connection, Model } from 'mongoose'
import {
  couponHeadline,
  type ConfigVersionView,
  type CouponTemplateEdit,
  type CouponTemplateInput,
  type CouponTemplateOverview,
} from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import type { CouponCatalogService } from './coupon-catalog.service'
import { couponModels, MAX_SLOT, type CouponModels, type CouponTemplateDoc } from './coupon.model'
import { couponSlots, slotsTaken } from './slot-allocator'

/** A template's configuration as recorded before/after: everything but its id and bookkeeping. */
type TemplateConfig = Omit<CouponTemplateDoc, '_id' | 'createdAt' | 'createdBy' | 'configVersion'>

function snapshot(t: CouponTemplateDoc): TemplateConfig {
  const { _id, createdAt: _createdAt, createdBy: _createdBy, configVersion: _configVersion, ...config } = t
  return config
}

export interface StatusChange {
  status: 'active' | 'paused'
  /** the version the operator saw; undefined = whatever is current */
  version?: number
  note: string
}

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION.FAILED', message, { issues: [{ path: field, message }] })

/**
 * Coupon templates in the config history: creation is version 1, each start/pause or edit a further
 * version. An edit changes only the name, the end of claiming and a raised stock: the rest is what
 * members' coupons were issued under.
 */
export class CouponTemplateAdminService {
  private readonly Template: Model<CouponTemplateDoc>
  private readonly m: CouponModels
  private readonly versions: ConfigHistory<CouponTemplateDoc, TemplateConfig>

  constructor(
    conn: Connection,
    private readonly catalog: CouponCatalogService,
  ) {
    this.m = couponModels(conn)
    this.Template = this.m.Template
    const subject: ConfigSubject<CouponTemplateDoc, TemplateConfig> = {
      kind: 'coupon_template',
      load: (id) => this.Template.findById(id).lean<CouponTemplateDoc>().exec(),
      notFound: (id) => new DomainError('COUPON.NOT_FOUND', `coupon template ${id} not found`),
      snapshot,
      apply: async (id, after, version) => {
        const { status, name, claimEnd, stock } = after
        await writeVersion(this.Template, id, version, { status, name, claimEnd, stock })
        this.catalog.forgetTemplate(id)
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  async create(input: CouponTemplateInput, operatorId: string, at: Date): Promise<CouponTemplateDoc> {
    const template = await this.catalog.createTemplate(input, operatorId, at)
    const created = snapshot(template)
    // Recorded before it is marked applied: a crash in between is rolled forward on the next change.
    await this.versions.created(template._id, created, { changedBy: operatorId, at, note: '' })
    await writeVersion(this.Template, template._id, 1, {})
    return { ...template, configVersion: 1 }
  }

  async setStatus(
    id: string,
    change: StatusChange,
    operatorId: string,
    at: Date,
  ): Promise<{ status: string; version: number }> {
    const t = await this.versions.change(id, change.version, (before) => ({ ...before, status: change.status }), {
      changedBy: operatorId,
      at,
      note: change.note,
    })
    return { status: t.status, version: t.configVersion ?? 0 }
  }

  /** Name, claim end, stock; a stock below the one seen would disown coupons already issued from it. */
  async edit(id: string, change: CouponTemplateEdit, operatorId: string, at: Date): Promise<CouponTemplateOverview> {
    const t = await this.versions.change(
      id,
      change.version,
      (before) => {
        if (Date.parse(change.claimEnd) <= Date.parse(before.claimStart))
          throw invalid('claimEnd', 'claim window ends before it starts')
        if (before.stock === null && change.stock !== null)
          throw invalid('stock', 'an unlimited template stays unlimited')
        if (before.stock !== null && (change.stock === null || change.stock < before.stock))
          throw invalid('stock', 'stock can only be raised')
        return { ...before, name: change.name, claimEnd: change.claimEnd, stock: change.stock }
      },
      { changedBy: operatorId, at, note: change.note },
    )
    this.catalog.forgetTemplate(id)
    return this.overviewOf(t)
  }

  /**
   * Every template, newest first, with coupons handed out (from the slot rows and the stock hint,
   * as the coupon centre counts them) and redeemed now (the coupons' state, an undo having put it back).
   */
  async overview(): Promise<CouponTemplateOverview[]> {
    const templates = await this.catalog.listTemplates()
    return Promise.all(templates.map((t) => this.overviewOf(t)))
  }

  private async overviewOf(t: CouponTemplateDoc): Promise<CouponTemplateOverview> {
    const [claimed, redeemed] = await Promise.all([
      slotsTaken(couponSlots(this.m), t._id, t.stock ?? MAX_SLOT),
      this.m.Coupon.countDocuments({ templateId: t._id, state: 'redeemed' }).exec(),
    ])
    return {
      _id: t._id,
      name: t.name,
      type: t.type,
      headline: couponHeadline(t),
      status: t.status,
      stock: t.stock,
      perMemberLimit: t.perMemberLimit,
      claimStart: t.claimStart,
      claimEnd: t.claimEnd,
      pricePoints: t.pricePoints,
      createdAt: new Date(t.createdAt).toISOString(),
      version: t.configVersion ?? 0,
      claimed,
      redeemed,
    }
  }

  history(id: string): Promise<ConfigVersionView[]> {
    return this.versions.history(id)
  }
}
