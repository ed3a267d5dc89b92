import { Schema, trusted, type Connection, type Model } from 'mongoose'
import { shanghaiMonth } from '@mall/shared'
import { getModel, insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { memberModels, type MemberDoc } from '../members/member.model'
import type { ProgramRules } from '../rules/program-rules'
import { KEYED_ORDINAL_BASE, type CouponClaimService } from './claim.service'

/** A member's monthly tier coupons, done for a month (written after every coupon of it is in hand). */
interface MonthlyGrantDoc {
  _id: string
  month: string
  memberId: string
  tierLevel: number
  templateId: string
  couponIds: string[]
  at: Date
}
const grantSchema = new Schema<MonthlyGrantDoc>(
  {
    _id: String,
    month: String,
    memberId: String,
    tierLevel: Number,
    templateId: String,
    couponIds: [String],
    at: Date,
  },
  { versionKey: false, collection: 'tier_monthly_coupon_grants' },
)

export interface MonthlyCouponRun {
  month: string
  members: number
  granted: number
  /** refusals by error code (sold out, template missing…); those members are retried next run */
  refused: Record<string, number>
}

// monthlyCoupons is at most 50 per tier (the rules contract).
const PER_MONTH = 50
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1

/**
 * The tier benefit "N coupons every month": a daily job hands each member of a tier with the
 * benefit that month's coupons, also reaching members who moved up during the month. Each coupon
 * takes the ordinal `base + month × 50 + i` of its member, so a repeated run or a retry after a
 * crash collides with the coupon already given instead of giving another.
 */
export class TierMonthlyCoupons {
  private readonly Grant: Model<MonthlyGrantDoc>
  private readonly Member: Model<MemberDoc>

  constructor(
    conn: Connection,
    private readonly coupons: CouponClaimService,
    private readonly rules: ProgramRules,
  ) {
    this.Grant = getModel(conn, 'TierMonthlyCouponGrant', grantSchema)
    this.Member = memberModels(conn).Member
  }

  async run(now: Date): Promise<MonthlyCouponRun> {
    const month = shanghaiMonth(now)
    const result: MonthlyCouponRun = { month, members: 0, granted: 0, refused: {} }
    const entitled = new Map(
      (await this.rules.current()).tiers
        .filter((t) => t.benefits.monthlyCoupons > 0 && t.benefits.monthlyCouponTemplateId)
        .map((t) => [t.level, { count: t.benefits.monthlyCoupons, templateId: t.benefits.monthlyCouponTemplateId! }]),
    )
    if (entitled.size === 0) return result
    const [members, done] = await Promise.all([
      this.Member.find({ tierLevel: trusted({ $in: [...entitled.keys()] }) }, { _id: 1, tierLevel: 1 })
        .lean<Pick<MemberDoc, '_id' | 'tierLevel'>[]>()
        .exec(),
      this.Grant.find({ month }, { memberId: 1 }).lean<Pick<MonthlyGrantDoc, 'memberId'>[]>().exec(),
    ])
    const doneIds = new Set(done.map((d) => d.memberId))
    for (const member of members) {
      if (doneIds.has(member._id)) continue
      const benefit = entitled.get(member.tierLevel)!
      const couponIds: string[] = []
      let refused = false
      for (let i = 1; i <= benefit.count; i++) {
        try {
          const coupon = await this.coupons.grantKeyed(
            member._id,
            benefit.templateId,
            KEYED_ORDINAL_BASE + monthIndex(month) * PER_MONTH + i,
            now,
          )
          if (coupon !== 'already_granted') {
            couponIds.push(coupon._id)
            result.granted++
          }
        } catch (err) {
          if (!(err instanceof DomainError)) throw err
          result.refused[err.code] = (result.refused[err.code] ?? 0) + 1
          refused = true
          break
        }
      }
      if (refused) continue // not done: the next run tries again (stock topped up, template fixed)
      await insertOnce(this.Grant, {
        _id: `${month}:${member._id}`,
        month,
        memberId: member._id,
        tierLevel: member.tierLevel,
        templateId: benefit.templateId,
        couponIds,
        at: now,
      })
      result.members++
    }
    return result
  }
}
