import type { Connection } from 'mongoose'
import { MEMBER_CODE_STEP_SECONDS, couponUsability, stepEndsAt, timeStep, type MemberCodeResponse, type MemberCoupon, type ScannedCoupon } from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { deleteIf } from '../../db/guarded-write'
import { DomainError } from '../../http/domain-error'
import type { StaffClaims } from '../auth/tokens'
import { signCode, verifyCode } from '../member-code/signer'
import type { MemberService } from '../members/member.service'
import { couponCodeSubject, couponId, couponModels, type CouponDoc, type CouponModels } from './coupon.model'
import { toMemberCoupon, type CouponCatalogService } from './coupon-catalog.service'

const UNDO_WINDOW_MS = 10 * 60_000

const USABILITY_ERRORS = {
  not_yet_valid: new DomainError('COUPON.NOT_YET_VALID', 'coupon not valid yet'),
  expired: new DomainError('COUPON.EXPIRED', 'coupon expired'),
  wrong_store: new DomainError('COUPON.WRONG_STORE', 'coupon not valid at this store'),
} as const

/** The rotating coupon code members show, and staff redemption (核销) with undo. */
export class CouponRedemptionService {
  private readonly m: CouponModels

  constructor(
    conn: Connection,
    private readonly secret: string,
    private readonly catalog: CouponCatalogService,
    private readonly members: MemberService,
  ) {
    this.m = couponModels(conn)
  }

  /** The member's own coupon only: another member's coupon id answers 404. */
  async code(memberId: string, id: string, now: Date): Promise<MemberCodeResponse> {
    const coupon = await this.m.Coupon.findById(id).lean<CouponDoc>().exec()
    if (!coupon || coupon.memberId !== memberId || coupon.state === 'pending_payment') throw new DomainError('COUPON.NOT_FOUND', 'coupon not found')
    if (coupon.state === 'redeemed') throw new DomainError('COUPON.ALREADY_REDEEMED', 'coupon already used')
    if (new Date(coupon.validTo) < now) throw new DomainError('COUPON.EXPIRED', 'coupon expired')
    const step = timeStep(now)
    return {
      code: signCode(this.secret, 'coupon', couponCodeSubject(coupon), step),
      stepSeconds: MEMBER_CODE_STEP_SECONDS,
      refreshAt: stepEndsAt(step).toISOString(),
      serverTime: now.toISOString(),
    }
  }

  private async couponFromCode(code: string, now: Date): Promise<CouponDoc> {
    const result = verifyCode(this.secret, 'coupon', code, timeStep(now))
    if (!result.ok) {
      if (result.reason === 'expired') throw new DomainError('COUPON.CODE_EXPIRED', 'coupon code expired')
      throw new DomainError('COUPON.CODE_INVALID', 'coupon code invalid')
    }
    const id = couponId(result.subject.slice(0, 6), Number(result.subject.slice(6)))
    const coupon = await this.m.Coupon.findById(id).lean<CouponDoc>().exec()
    if (!coupon || coupon.state === 'pending_payment') throw new DomainError('COUPON.CODE_INVALID', 'coupon code invalid')
    return coupon
  }

  /** Staff scanned a coupon code: what it is, whose, and whether it can be redeemed here now. */
  async preview(staff: StaffClaims, code: string, now: Date): Promise<ScannedCoupon> {
    const coupon = await this.couponFromCode(code, now)
    const view = await this.view(coupon, now)
    const member = await this.members.get(coupon.memberId)
    const reason = coupon.state === 'redeemed' ? 'ALREADY_REDEEMED' : this.blocker(view, staff, now)
    return { coupon: view, member: { memberNo: `****${member._id.slice(-4)}`, nickname: member.nickname }, usable: reason === null, reason }
  }

  /** Redeems at most once: the insert of `<couponId>` into coupon_redemptions is the redemption. */
  async redeem(staff: StaffClaims, code: string, now: Date): Promise<MemberCoupon> {
    if (!staff.storeId) throw new DomainError('AUTH.FORBIDDEN', 'only store staff redeem coupons')
    const coupon = await this.couponFromCode(code, now)
    const view = await this.view(coupon, now)
    // No state check here: the unique insert below decides, so a crash between an undo's two
    // writes can never leave a coupon that is neither redeemed nor redeemable.
    const blocker = this.blocker(view, staff, now)
    if (blocker) throw USABILITY_ERRORS[blocker]
    const won = await insertOnce(this.m.Redemption, { _id: coupon._id, memberId: coupon.memberId, staffId: staff.sub, storeId: staff.storeId, at: now })
    if (!won) throw new DomainError('COUPON.ALREADY_REDEEMED', 'coupon already redeemed')
    await this.log(coupon._id, 'redeem', staff, now)
    await this.m.Coupon.updateOne({ _id: coupon._id }, { $set: { state: 'redeemed', redeemedAt: now, redeemedBy: staff.sub, redeemedStoreId: staff.storeId } }).exec()
    return this.view({ ...coupon, state: 'redeemed', redeemedAt: now, redeemedBy: staff.sub, redeemedStoreId: staff.storeId }, now)
  }

  /** The redeeming staff may undo within 10 minutes; afterwards a manager of that store or an operator. */
  async undo(staff: StaffClaims, id: string, now: Date): Promise<MemberCoupon> {
    const redemption = await this.m.Redemption.findById(id).lean().exec()
    if (!redemption) throw new DomainError('COUPON.NOT_REDEEMED', 'coupon is not redeemed')
    const sameStore = staff.role === 'operator' || staff.storeId === redemption.storeId
    if (!sameStore) throw new DomainError('AUTH.FORBIDDEN', 'redeemed at another store')
    const ownInWindow = staff.sub === redemption.staffId && now.getTime() - new Date(redemption.at).getTime() <= UNDO_WINDOW_MS
    if (!ownInWindow && staff.role === 'clerk') {
      throw new DomainError(staff.sub === redemption.staffId ? 'COUPON.UNDO_WINDOW_PASSED' : 'AUTH.FORBIDDEN', 'a manager must undo this')
    }
    if (!(await deleteIf(this.m.Redemption, id, { at: new Date(redemption.at) }))) throw new DomainError('COUPON.NOT_REDEEMED', 'coupon is not redeemed')
    await this.log(id, 'undo', staff, now)
    await this.m.Coupon.updateOne({ _id: id }, { $set: { state: 'active', redeemedAt: null, redeemedBy: null, redeemedStoreId: null } }).exec()
    const coupon = (await this.m.Coupon.findById(id).lean<CouponDoc>().exec())!
    return this.view(coupon, now)
  }

  private blocker(view: MemberCoupon, staff: StaffClaims, now: Date): keyof typeof USABILITY_ERRORS | null {
    const usability = couponUsability({ storeIds: view.storeIds }, view, staff.storeId, now)
    return usability === 'usable' ? null : usability
  }

  private async view(coupon: CouponDoc, now: Date): Promise<MemberCoupon> {
    const t = (await this.catalog.templatesById([coupon.templateId])).get(coupon.templateId)
    if (!t) throw new DomainError('COUPON.NOT_FOUND', 'coupon template not found')
    return toMemberCoupon(coupon, t, now)
  }

  private async log(couponId: string, action: 'redeem' | 'undo', staff: StaffClaims, now: Date): Promise<void> {
    await this.m.RedemptionLog.create({ _id: `${couponId}:${action}:${now.getTime()}:${staff.sub}`, couponId, action, staffId: staff.sub, storeId: staff.storeId ?? '', at: now })
  }
}
