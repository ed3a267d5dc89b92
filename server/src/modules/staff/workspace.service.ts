import { trusted, type Connection, type Model } from 'mongoose'
import {
  addDays,
  maskName,
  maskPhone,
  shanghaiDay,
  startOfShanghaiDay,
  type StaffOperation,
  type StoreDaySummary,
} from '@mall/shared'
import type { StaffClaims } from '../auth/tokens'
import type { AnyModel } from '../../db/by-id'
import { storeInScope } from './store-scope'
import { couponModels, type CouponRedemptionLogDoc } from '../coupons/coupon.model'
import { CouponUseChain } from '../coupons/coupon-uses'
import type { ProgramRules } from '../rules/program-rules'
import { purchaseModel, type PurchaseDoc } from '../points/purchase.model'
import { auditModel, type AuditDoc } from '../audit/audit.model'
import { staffModel, type StaffDoc } from './staff.model'
import { memberModels, type MemberDoc } from '../members/member.model'

const COUPON_UNDO_MS = 10 * 60_000

/** What the staff pages show: today's operations, the approval queue, store totals, the audit log. */
export class StaffWorkspaceService {
  private readonly Purchase: Model<PurchaseDoc>
  private readonly RedemptionLog: Model<CouponRedemptionLogDoc>
  private readonly uses: CouponUseChain
  private readonly Audit: Model<AuditDoc>
  private readonly Staff: Model<StaffDoc>
  private readonly Member: Model<MemberDoc>
  private readonly Template: ReturnType<typeof couponModels>['Template']

  constructor(
    conn: Connection,
    private readonly rules: ProgramRules,
  ) {
    this.Purchase = purchaseModel(conn)
    const coupons = couponModels(conn)
    this.RedemptionLog = coupons.RedemptionLog
    this.uses = new CouponUseChain(coupons)
    this.Template = coupons.Template
    this.Staff = staffModel(conn)
    this.Member = memberModels(conn).Member
    this.Audit = auditModel(conn)
  }

  private dayRange(day: string) {
    return { $gte: startOfShanghaiDay(day), $lt: startOfShanghaiDay(addDays(day, 1)) }
  }

  /** A clerk sees their own operations today; a manager the whole store's. */
  async today(staff: StaffClaims, now: Date): Promise<StaffOperation[]> {
    const storeId = storeInScope(staff, undefined)
    const day = shanghaiDay(now)
    const mineOnly = staff.role === 'clerk' ? { staffId: staff.sub } : {}
    const [{ earning }, purchases, redemptions] = await Promise.all([
      this.rules.current(),
      this.Purchase.find({ storeId, createdAt: trusted(this.dayRange(day)), ...mineOnly })
        .lean<PurchaseDoc[]>()
        .exec(),
      this.RedemptionLog.find({ storeId, at: trusted(this.dayRange(day)), ...mineOnly })
        .lean<CouponRedemptionLogDoc[]>()
        .exec(),
    ])
    // Names, not ids, on a clerk's screen: the staff accounts' display names and the coupons' template names.
    const [staffNames, templateNames] = await Promise.all([
      this.namesOf(
        this.Staff,
        [...purchases.map((p) => p.staffId), ...redemptions.map((r) => r.staffId)],
        'displayName',
      ),
      this.namesOf(
        this.Template,
        redemptions.map((r) => r.couponId.split('#')[0]!),
        'name',
      ),
    ])
    const ops: StaffOperation[] = purchases.map((p) => ({
      kind: 'purchase',
      at: new Date(p.createdAt).toISOString(),
      ref: p.receiptNo,
      memberId: p.memberId,
      title: `小票 ${p.receiptNo}`,
      amountFen: p.amountFen,
      points: p.points,
      status: p.status,
      staffId: p.staffId,
      staffName: staffNames.get(p.staffId) ?? p.staffId,
      flags: p.flags,
      undoableUntil:
        p.status === 'posted' && p.postedAt
          ? new Date(new Date(p.postedAt).getTime() + earning.undoWindowMinutes * 60_000).toISOString()
          : null,
    }))
    const standing = new Set((await this.uses.standing(redemptions)).map((r) => r._id))
    for (const r of redemptions.filter((x) => x.action === 'redeem')) {
      const undone = !standing.has(r._id)
      ops.push({
        kind: 'coupon',
        at: new Date(r.at).toISOString(),
        ref: r.couponId,
        memberId: '',
        title: `核销「${templateNames.get(r.couponId.split('#')[0]!) ?? '优惠券'}」`,
        amountFen: null,
        points: null,
        status: undone ? 'undone' : 'redeemed',
        staffId: r.staffId,
        staffName: staffNames.get(r.staffId) ?? r.staffId,
        flags: [],
        undoableUntil: undone ? null : new Date(new Date(r.at).getTime() + COUPON_UNDO_MS).toISOString(),
      })
    }
    return ops.sort((a, b) => (a.at < b.at ? 1 : -1))
  }

  private async namesOf(model: AnyModel, ids: string[], field: string): Promise<Map<string, string>> {
    const unique = [...new Set(ids)]
    if (unique.length === 0) return new Map()
    const rows = await model
      .find({ _id: trusted({ $in: unique }) }, { [field]: 1 })
      .lean<Record<string, string>[]>()
      .exec()
    return new Map(rows.map((r) => [r._id!, r[field]!]))
  }

  async pendingApprovals(staff: StaffClaims, storeId?: string): Promise<PurchaseDoc[]> {
    return this.Purchase.find({ storeId: storeInScope(staff, storeId), status: 'pending_approval' })
      .sort({ createdAt: 1 })
      .lean<PurchaseDoc[]>()
      .exec()
  }

  /** Who bought and who recorded each held purchase, in names a manager recognises (ids when none). */
  async approvalNames(purchases: PurchaseDoc[]): Promise<{ memberName: string; staffName: string }[]> {
    const [members, staff] = await Promise.all([
      this.namesOf(
        this.Member,
        purchases.map((p) => p.memberId),
        'nickname',
      ),
      this.namesOf(
        this.Staff,
        purchases.map((p) => p.staffId),
        'displayName',
      ),
    ])
    return purchases.map((p) => ({
      memberName: maskName(members.get(p.memberId)) || '会员',
      staffName: staff.get(p.staffId) ?? p.staffId,
    }))
  }

  async storeDay(staff: StaffClaims, day: string, storeId?: string): Promise<StoreDaySummary> {
    const store = storeInScope(staff, storeId)
    const [purchases, redeemed] = await Promise.all([
      this.Purchase.find({ storeId: store, createdAt: trusted(this.dayRange(day)) })
        .lean<PurchaseDoc[]>()
        .exec(),
      this.RedemptionLog.find({ storeId: store, at: trusted(this.dayRange(day)) })
        .lean<CouponRedemptionLogDoc[]>()
        .exec()
        .then(async (rows) => (await this.uses.standing(rows)).length),
    ])
    const counted = purchases.filter((p) => p.status === 'posted')
    const staffNames = await this.namesOf(
      this.Staff,
      counted.map((p) => p.staffId),
      'displayName',
    )
    const byStaff = new Map<string, { staffId: string; purchases: number; amountFen: number; points: number }>()
    for (const p of counted) {
      const row = byStaff.get(p.staffId) ?? { staffId: p.staffId, purchases: 0, amountFen: 0, points: 0 }
      row.purchases++
      row.amountFen += p.amountFen
      row.points += p.points
      byStaff.set(p.staffId, row)
    }
    return {
      storeId: store,
      day,
      purchases: counted.length,
      amountFen: counted.reduce((s, p) => s + p.amountFen, 0),
      points: counted.reduce((s, p) => s + p.points, 0),
      couponsRedeemed: redeemed,
      pendingApprovals: purchases.filter((p) => p.status === 'pending_approval').length,
      flagged: purchases.filter((p) => p.flags.length > 0).length,
      byStaff: [...byStaff.values()].map((row) => ({ ...row, staffName: staffNames.get(row.staffId) ?? row.staffId })),
    }
  }

  async audit(q: {
    staffId?: string
    storeId?: string
    action?: string
    outcome?: string
    from?: string
    to?: string
    page: number
    pageSize: number
  }) {
    const filter: Record<string, unknown> = {}
    if (q.staffId) filter.staffId = q.staffId
    if (q.storeId) filter.storeId = q.storeId
    if (q.outcome) filter.outcome = q.outcome
    if (q.action) filter.action = trusted({ $regex: `^${escapeRegex(q.action)}` })
    if (q.from || q.to)
      filter.at = trusted({ ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lt: new Date(q.to) } : {}) })
    const [items, total] = await Promise.all([
      this.Audit.find(filter)
        .sort({ at: -1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean<AuditDoc[]>()
        .exec(),
      this.Audit.countDocuments(filter).exec(),
    ])
    // Who did what to whom, in words: the staff member's name and, for a member's page, the masked phone.
    const memberOf = (i: AuditDoc) =>
      i.action.includes('/members/:id') && typeof i.target?.id === 'string' ? i.target.id : null
    const [staffNames, phones] = await Promise.all([
      this.namesOf(
        this.Staff,
        items.flatMap((i) => (i.staffId ? [i.staffId] : [])),
        'displayName',
      ),
      this.namesOf(
        this.Member,
        items.flatMap((i) => memberOf(i) ?? []),
        'phone',
      ),
    ])
    return {
      items: items.map((i) => {
        const phone = phones.get(memberOf(i) ?? '')
        return {
          ...i,
          staffName: i.staffId ? (staffNames.get(i.staffId) ?? null) : null,
          memberPhoneMasked: phone ? maskPhone(phone) : null,
        }
      }),
      total,
      page: q.page,
      pageSize: q.pageSize,
    }
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
