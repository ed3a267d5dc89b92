import { TtlCache } from '../../lib/ttl-cache'
import type { CouponModels, CouponTemplateDoc } from './coupon.model'

// Templates change rarely (created, started, paused) and are read by every claim and coupon-centre
// view. Another process sees a pause at most this late; the process that made it, at once.
const TEMPLATE_CACHE_MS = 2_000

/**
 * Coupon templates as the claim path and the coupon centre read them. Stock and per-member limits
 * never depend on this copy: the unique slot insert decides those.
 */
export class TemplateCache {
  private readonly rows = new TtlCache<CouponTemplateDoc | null>(TEMPLATE_CACHE_MS)
  private activeRows: { until: number; rows: Promise<CouponTemplateDoc[]> } | null = null

  constructor(private readonly m: CouponModels) {}

  async get(id: string): Promise<CouponTemplateDoc | null> {
    const t = await this.rows.get(id, () => this.m.Template.findById(id).lean<CouponTemplateDoc>().exec())
    if (!t) this.rows.invalidate(id) // not cached: a template created a moment later must be found
    return t
  }

  /** Templates open for claiming (status active), one read per interval however many members look. */
  active(): Promise<CouponTemplateDoc[]> {
    if (!this.activeRows || this.activeRows.until <= Date.now()) {
      const rows = this.m.Template.find({ status: 'active' }).lean<CouponTemplateDoc[]>().exec()
      this.activeRows = { until: Date.now() + TEMPLATE_CACHE_MS, rows }
      rows.catch(() => (this.activeRows = null))
    }
    return this.activeRows.rows
  }

  /** A template was created or changed here: the next read goes to the database. */
  forget(id: string): void {
    this.rows.invalidate(id)
    this.activeRows = null
  }
}
