import type { Connection, Model } from 'mongoose'
import type { CouponDoc } from '../coupons/coupon.model'
import { couponModels } from '../coupons/coupon.model'
import type { CouponBook } from '../coupons/coupon-book'
import type { LedgerService } from '../ledger/ledger.service'
import { forfeitEveryLot } from '../ledger/forfeit'
import type { MemberService } from '../members/member.service'
import { memberModels, type MemberIdentityDoc } from '../members/member.model'
import { authModels, type WechatSessionDoc } from '../auth/auth.model'
import { receiptPhotoModels, type ReceiptPhotoFileDoc } from '../receipt-photos/receipt-photo.model'
import { updateById } from '../../db/by-id'
import { claimTransition, markSettled } from '../../db/transitions'
import type { ErasedIdentities } from './erased-identities'
import { couponVoidId, type AccountDeletionModels, type CouponVoidDoc } from './account-deletion.model'

const FORFEIT_REASON = '账号注销，积分作废'

export interface ErasureDeps {
  ledger: LedgerService
  members: MemberService
  couponBook: CouponBook
  /** keyed hashes of the released identities: no second welcome gift for the same person */
  erasedIdentities: ErasedIdentities
}

/**
 * The steps of erasing one account, each safe to run again (a crash between two of them leaves the
 * decision unsettled and the job runs them all again): the points are forfeited by a ledger entry keyed
 * to the request, active coupons voided (each by the insert of `<coupon>:void`), receipt photos deleted,
 * the WeChat session and every identity released (so the same WeChat user registers as a new member),
 * then the member row pseudonymised, and last what is still in the wallet forfeited again under
 * `<request>:forfeit-after-close`: a console adjustment that read the member before `erasedAt` may have
 * posted after the first forfeit (one posting after this sweep finds `erasedAt` itself and takes its
 * points back). Ledger, feedback and audit rows keep the member number, which now names the
 * pseudonymised row.
 */
export class AccountErasure {
  private readonly Coupon: Model<CouponDoc>
  private readonly PhotoFile: Model<ReceiptPhotoFileDoc>
  private readonly WechatSession: Model<WechatSessionDoc>
  private readonly Identity: Model<MemberIdentityDoc>

  constructor(
    conn: Connection,
    private readonly m: AccountDeletionModels,
    private readonly deps: ErasureDeps,
  ) {
    this.Coupon = couponModels(conn).Coupon
    this.PhotoFile = receiptPhotoModels(conn).File
    this.WechatSession = authModels(conn).WechatSession
    this.Identity = memberModels(conn).MemberIdentity
  }

  async run(memberId: string, requestId: string, at: Date): Promise<void> {
    const { ledger } = this.deps
    await forfeitEveryLot(ledger, memberId, `account-deletion:${requestId}`, at, FORFEIT_REASON)
    await this.voidCoupons(memberId, at)
    await this.PhotoFile.updateMany({ memberId, purgedAt: null }, { $set: { data: null, purgedAt: at } }).exec()
    const member = await this.deps.members.get(memberId)
    if (member.openid) await this.WechatSession.deleteOne({ _id: member.openid }).exec()
    const identities = await this.Identity.find({ memberId }, { _id: 1 }).lean<{ _id: string }[]>().exec()
    await this.deps.erasedIdentities.record(
      identities.map((i) => i._id),
      at,
    )
    await this.deps.members.erase(memberId, at)
    await forfeitEveryLot(ledger, memberId, `account-deletion:${requestId}:forfeit-after-close`, at, FORFEIT_REASON)
  }

  /**
   * Each coupon still usable is voided by the insert of its void row; its cached end of validity is then
   * moved to just before the erasure, so every path that checks validity (redeem, lists) refuses it.
   */
  private async voidCoupons(memberId: string, at: Date): Promise<void> {
    const coupons = await this.deps.couponBook.coupons(memberId)
    const until = new Date(at.getTime() - 1)
    for (const coupon of coupons) {
      if (coupon.state !== 'active' || new Date(coupon.validTo) <= until) continue
      const row: CouponVoidDoc = {
        _id: couponVoidId(coupon._id),
        couponId: coupon._id,
        memberId,
        reason: 'account-deletion',
        at,
        settled: false,
      }
      await claimTransition(this.m.CouponVoid, row)
      await updateById(this.Coupon, coupon._id, { $set: { validTo: until.toISOString() } })
      await markSettled(this.m.CouponVoid, row._id)
    }
  }

  /** How many coupons the member would lose now (usable, not redeemed). */
  async activeCoupons(memberId: string, now: Date): Promise<number> {
    const coupons = await this.deps.couponBook.coupons(memberId)
    return coupons.filter((c) => c.state === 'active' && new Date(c.validTo) >= now).length
  }

  /** Voided coupons of a member (the console and tests read them). */
  voidsOf(memberId: string): Promise<CouponVoidDoc[]> {
    return this.m.CouponVoid.find({ memberId }).lean<CouponVoidDoc[]>().exec()
  }
}
