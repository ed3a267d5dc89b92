import Router from '@koa/router'
import { Schema, type Connection } from 'mongoose'
import type Koa from 'koa'
import { requireMember } from '../../server/src/http/auth-middleware'
import { DomainError } from '../../server/src/errors/domain-error'
import { getModel } from '../../server/src/db/connect'
import type { AppContext } from '../../server/src/app-context'

/**
 * NEGATIVE CONTROL — deliberately wrong. The read-check-write redemption a points mall without
 * unique slots would ship (count what was redeemed, compare with the stock, then insert). Mounted
 * only by the load test, so the harness shows it oversells under the load the real one survives.
 */
interface NaiveRedemptionDoc {
  _id: string
  giftId: string
  memberId: string
}
const schema = new Schema<NaiveRedemptionDoc>(
  { _id: String, giftId: String, memberId: String },
  { versionKey: false, collection: 'naive_gift_redemptions' },
)
export const naiveRedemptionModel = (conn: Connection) => getModel(conn, 'NaiveGiftRedemption', schema)

export function mountNaiveRedeem(app: Koa, ctx: AppContext): void {
  const Naive = naiveRedemptionModel(ctx.conn)
  const router = new Router({ prefix: '/api/naive' })
  router.post('/mall/gifts/:giftId/redeem', requireMember(ctx.tokens, ctx.now), async (c) => {
    const g = await ctx.services.pointsMall.giftCatalogue.gift(c.params.giftId!)
    const issued = await Naive.countDocuments({ giftId: g._id })
    if (g.stock !== null && issued >= g.stock) throw new DomainError('GIFT.SOLD_OUT', 'sold out')
    const mine = await Naive.countDocuments({ giftId: g._id, memberId: c.state.memberId })
    if (mine >= g.perMemberLimit) throw new DomainError('GIFT.LIMIT_REACHED', 'limit')
    await Naive.create({
      _id: `${g._id}-${Math.random().toString(36).slice(2)}`,
      giftId: g._id,
      memberId: c.state.memberId,
    })
    c.body = { ok: true }
  })
  app.use(router.routes())
}
