import Router from '@koa/router'
import { Schema, type Connection } from 'mongoose'
import { requireMember } from '../../server/src/http/auth-middleware'
import { DomainError } from '../../server/src/errors/domain-error'
import { getModel } from '../../server/src/db/connect'
import type { AppContext } from '../../server/src/app-context'
import type Koa from 'koa'

/**
 * NEGATIVE CONTROL — deliberately wrong. The read-check-write claim most anchors ship (count the
 * issued coupons, compare with stock, then insert). Mounted only by the load test, so the harness
 * can show it oversells under the same load the real claim survives.
 */
interface NaiveCouponDoc {
  _id: string
  templateId: string
  memberId: string
}
const schema = new Schema<NaiveCouponDoc>(
  { _id: String, templateId: String, memberId: String },
  { versionKey: false, collection: 'naive_coupons' },
)
export const naiveCouponModel = (conn: Connection) => getModel(conn, 'NaiveCoupon', schema)

export function mountNaiveClaim(app: Koa, ctx: AppContext): void {
  const Naive = naiveCouponModel(ctx.conn)
  const router = new Router({ prefix: '/api/naive' })
  router.post('/coupons/:templateId/claim', requireMember(ctx.tokens, ctx.now), async (c) => {
    const t = await ctx.services.couponClaims.template(c.params.templateId!)
    const issued = await Naive.countDocuments({ templateId: t._id })
    if (t.stock !== null && issued >= t.stock) throw new DomainError('COUPON.SOLD_OUT', 'sold out')
    const mine = await Naive.countDocuments({ templateId: t._id, memberId: c.state.memberId })
    if (mine >= t.perMemberLimit) throw new DomainError('COUPON.LIMIT_REACHED', 'limit')
    await Naive.create({
      _id: `${t._id}-${Math.random().toString(36).slice(2)}`,
      templateId: t._id,
      memberId: c.state.memberId,
    })
    c.body = { ok: true }
  })
  app.use(router.routes())
}
