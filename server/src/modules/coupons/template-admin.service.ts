import type { Connection, Model } from 'mongoose'
import type { ConfigVersionView, CouponTemplateInput } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import type { CouponCatalogService } from './coupon-catalog.service'
import { couponModels, type CouponTemplateDoc } from './coupon.model'

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

/**
 * Coupon templates in the config history: creation is version 1, each start/pause a further
 * version. Only the status changes after creation (claimed coupons depend on the rest).
 */
export class CouponTemplateAdminService {
  private readonly Template: Model<CouponTemplateDoc>
  private readonly versions: ConfigHistory<CouponTemplateDoc, TemplateConfig>

  constructor(
    conn: Connection,
    private readonly catalog: CouponCatalogService,
  ) {
    this.Template = couponModels(conn).Template
    const subject: ConfigSubject<CouponTemplateDoc, TemplateConfig> = {
      kind: 'coupon_template',
      load: (id) => this.Template.findById(id).lean<CouponTemplateDoc>().exec(),
      notFound: (id) => new DomainError('COUPON.NOT_FOUND', `coupon template ${id} not found`),
      snapshot,
      apply: async (id, after, version) => {
        await writeVersion(this.Template, id, version, { status: after.status })
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

  history(id: string): Promise<ConfigVersionView[]> {
    return this.versions.history(id)
  }
}
