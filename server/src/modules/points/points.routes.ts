import Router from '@koa/router'
import {
  approvePurchaseRequest,
  awardPurchaseRequest,
  receiptNo,
  redeemPointsRequest,
  reversePurchaseRequest,
  storeDayQuery,
  walletEntriesQuery,
} from '@mall/shared'
import { requireMember, requireStaff } from '../../http/auth-middleware'
import { answer, idempotent } from '../../http/idempotency'
import { byStaff, rateLimit } from '../../http/rate-limit'
import { parseBody, parseParam, parseQuery } from '../../http/validate'
import type { CallerChecks, IdempotencyStore, RateLimitBudgets } from '../../http/route-deps'
import type { StaffWorkspaceService } from '../staff/workspace.service'
import type { PurchaseReviewService } from './purchase-review.service'
import type { PurchaseService } from './purchase.service'
import type { RedemptionService } from './redemption.service'
import type { AwardPurchase } from './award-purchase'
import type { WalletService } from './wallet.service'

export interface PointsRouteDeps extends CallerChecks, RateLimitBudgets, IdempotencyStore {
  services: {
    tillAwards: AwardPurchase
    purchaseReview: PurchaseReviewService
    purchases: PurchaseService
    redemptions: RedemptionService
    wallet: WalletService
    workspace: StaffWorkspaceService
  }
}

export function pointsRoutes({ services, tokens, now, limits, conn }: PointsRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const storeStaff = requireStaff(tokens, now, ['clerk', 'manager'])
  const anyStaff = requireStaff(tokens, now, ['clerk', 'manager', 'operator'])
  const managers = requireStaff(tokens, now, ['manager', 'operator'])
  const staffLimit = rateLimit('staff-write', { max: limits.scanPerMinute, windowMs: 60_000, id: byStaff })

  router.post('/staff/purchases', storeStaff, staffLimit, idempotent(conn, { required: false }), async (ctx) => {
    const body = parseBody(ctx, awardPurchaseRequest)
    answer(ctx, await services.tillAwards.award(ctx.state.staff, body, now()))
  })

  router.post(
    '/staff/purchases/:receiptNo/reverse',
    anyStaff,
    staffLimit,
    idempotent(conn, { required: false }),
    async (ctx) => {
      const body = parseBody(ctx, reversePurchaseRequest)
      const receipt = parseParam(receiptNo, ctx.params.receiptNo)
      answer(ctx, await services.purchaseReview.reverse(ctx.state.staff, body.storeId, receipt, body.reason, now()))
    },
  )

  router.post('/staff/purchases/:receiptNo/decision', managers, staffLimit, async (ctx) => {
    const body = parseBody(ctx, approvePurchaseRequest)
    const receipt = parseParam(receiptNo, ctx.params.receiptNo)
    answer(ctx, await services.purchaseReview.decide(ctx.state.staff, body.storeId, receipt, body.approve, now()))
  })

  // A store's awards held for a manager's approval.
  router.get('/staff/purchases/pending', managers, async (ctx) => {
    const q = parseQuery(ctx, storeDayQuery)
    const items = await services.workspace.pendingApprovals(ctx.state.staff, q.storeId)
    const names = await services.workspace.approvalNames(items)
    ctx.body = { items: items.map((p, i) => ({ ...services.purchases.view(p, null), ...names[i] })) }
  })

  router.post('/staff/points/redeem', anyStaff, staffLimit, idempotent(conn, { required: true }), async (ctx) => {
    const body = parseBody(ctx, redeemPointsRequest)
    const { replayed: _replayed, ...result } = await services.redemptions.redeem(
      ctx.state.staff,
      body,
      ctx.get('idempotency-key'),
      now(),
    )
    ctx.body = result
  })

  router.get('/me/wallet', member, async (ctx) => {
    ctx.body = await services.wallet.summary(ctx.state.memberId, now())
  })

  router.get('/me/wallet/entries', member, async (ctx) => {
    const q = parseQuery(ctx, walletEntriesQuery)
    ctx.body = await services.wallet.entries(ctx.state.memberId, q.beforeSeq, q.limit)
  })

  router.get('/me/tier', member, async (ctx) => {
    ctx.body = await services.wallet.tier(ctx.state.memberId, now())
  })

  return router
}
