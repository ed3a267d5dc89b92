import type { Connection } from 'mongoose'
import {
  MEMBER_CODE_STEP_SECONDS,
  couponUsability,
  stepEndsAt,
  timeStep,
  type MemberCodeResponse,
  type MemberCoupon,
  type ScannedCoupon,
  maskName,
} from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims } from '../auth/tokens'
import { signCode, verifyCode } from '../member-code/signer'
import type { MemberService } from '../members/member.service'
import {
  couponCodeSubject,
  couponId,
  couponModels,
  type CouponDoc,
  type CouponModels,
  type CouponRedemptionLogDoc,
} from './coupon.model'
import { CouponUseChain, isRedeemed, useEventId, type CouponUses } from './coupon-uses'
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
  readonly uses: CouponUseChain

  constructor(
    conn: Connection,
    private readonly secret: string,
    private readonly catalog: CouponCatalogService,
    private readonly members: MemberService,
  ) {
    this.m = couponModels(conn)
    this.uses = new CouponUseChain(this.m)
  }

  /** The member's own coupon only: another member's coupon id answers 404. */
  async code(memberId: string, id: string, now: Date): Promise<MemberCodeResponse> {
    const row = await this.m.Coupon.findById(id).lean<CouponDoc>().exec()
    if (!row || row.memberId !== memberId || row.state === 'pending_payment')
      throw new DomainError('COUPON.NOT_FOUND', 'coupon not found')
    const { coupon, uses } = await this.current(row)
    if (isRedeemed(uses)) throw alreadyRedeemed(uses)
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
    if (!coupon || coupon.state === 'pending_payment')
      throw new DomainError('COUPON.CODE_INVALID', 'coupon code invalid')
    return coupon
  }

  /** Staff scanned a coupon code: what it is, whose, and whether it can be redeemed here now. */
  async preview(staff: StaffClaims, code: string, now: Date): Promise<ScannedCoupon> {
    const { coupon, uses } = await this.current(await this.couponFromCode(code, now))
    const view = await this.view(coupon, now)
    const member = await this.members.get(coupon.memberId)
    const reason = isRedeemed(uses) ? 'ALREADY_REDEEMED' : this.blocker(view, staff, now)
    return {
      coupon: view,
      member: { memberNo: `****${member._id.slice(-4)}`, nickname: maskName(member.nickname) },
      usable: reason === null,
      reason,
    }
  }

  /**
   * Redeems the coupon: the insert of the chain's next use decides (coupon-uses.ts). The same staff
   * member redeeming it again gets the original result marked as a repeat; anyone else is told when,
   * where and by whom it was redeemed.
   */
  async redeem(staff: StaffClaims, code: string, now: Date): Promise<MemberCoupon> {
    if (!staff.storeId) throw new DomainError('AUTH.FORBIDDEN', 'only store staff redeem coupons')
    const { coupon, uses } = await this.current(await this.couponFromCode(code, now))
    if (isRedeemed(uses)) return this.repeatOrRefuse(staff, coupon, uses.last, 'redeem', now)
    const blocker = this.blocker(await this.view(coupon, now), staff, now)
    if (blocker) throw USABILITY_ERRORS[blocker]
    const row = this.event(coupon, uses.length + 1, staff.sub, staff.storeId, now)
    const claimed = await this.uses.claim(row)
    if (!claimed.won) return this.repeatOrRefuse(staff, coupon, claimed.row, 'redeem', now)
    return this.view(await this.uses.settle(coupon, { length: uses.length + 1, last: row }, row), now)
  }

  /** The redeeming staff may undo within 10 minutes; afterwards a manager of that store or an operator. */
  async undo(staff: StaffClaims, id: string, now: Date): Promise<MemberCoupon> {
    const row = await this.m.Coupon.findById(id).lean<CouponDoc>().exec()
    if (!row || row.state === 'pending_payment') throw new DomainError('COUPON.NOT_FOUND', 'coupon not found')
    const { coupon, uses } = await this.current(row)
    if (!isRedeemed(uses)) return this.repeatOrRefuse(staff, coupon, uses.last, 'undo', now)
    const use = uses.last!
    const sameStore = staff.role === 'operator' || staff.storeId === use.storeId
    if (!sameStore) throw new DomainError('AUTH.FORBIDDEN', 'redeemed at another store')
    const ownInWindow = staff.sub === use.staffId && now.getTime() - new Date(use.at).getTime() <= UNDO_WINDOW_MS
    if (!ownInWindow && staff.role === 'clerk') {
      throw new DomainError(
        staff.sub === use.staffId ? 'COUPON.UNDO_WINDOW_PASSED' : 'AUTH.FORBIDDEN',
        'a manager must undo this',
      )
    }
    const undo = this.event(coupon, uses.length + 1, staff.sub, use.storeId, now)
    const claimed = await this.uses.claim(undo)
    if (!claimed.won) return this.repeatOrRefuse(staff, coupon, claimed.row, 'undo', now)
    return this.view(await this.uses.settle(coupon, { length: uses.length + 1, last: undo }, undo), now)
  }

  /** The coupon with its chain, its cache repaired if a crash or a late write left it behind. */
  private async current(row: CouponDoc): Promise<{ coupon: CouponDoc; uses: CouponUses }> {
    const uses = await this.uses.read(row)
    return { coupon: await this.uses.repair(row, uses), uses }
  }

  private event(coupon: CouponDoc, k: number, staffId: string, storeId: string, now: Date): CouponRedemptionLogDoc {
    return {
      _id: useEventId(coupon._id, k),
      couponId: coupon._id,
      action: k % 2 === 1 ? 'redeem' : 'undo',
      staffId,
      storeId,
      at: now,
      settled: false,
    }
  }

  /**
   * `action` found done already (`done`, the newest event, or null): by this staff member, it is a
   * repeat and answers with the coupon as it is now, marked; otherwise it is refused, saying who did it.
   */
  private async repeatOrRefuse(
    staff: StaffClaims,
    coupon: CouponDoc,
    done: CouponRedemptionLogDoc | null,
    action: 'redeem' | 'undo',
    now: Date,
  ): Promise<MemberCoupon> {
    if (done?.action === action && done.staffId === staff.sub) {
      const { coupon: latest } = await this.current(coupon)
      return {
        ...(await this.view(latest, now)),
        repeat: { action, by: done.staffId, at: new Date(done.at).toISOString() },
      }
    }
    if (action === 'undo')
      throw new DomainError('COUPON.NOT_REDEEMED', 'coupon is not redeemed', done ? doneBy(done) : undefined)
    throw alreadyRedeemed({ length: 1, last: done?.action === 'redeem' ? done : null })
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
}

function doneBy(row: CouponRedemptionLogDoc): { by: string; storeId: string; at: string } {
  return { by: row.staffId, storeId: row.storeId, at: new Date(row.at).toISOString() }
}

function alreadyRedeemed(uses: CouponUses): DomainError {
  return new DomainError(
    'COUPON.ALREADY_REDEEMED',
    'coupon already redeemed',
    uses.last ? doneBy(uses.last) : undefined,
  )
}
