import { trusted, type Model } from 'mongoose'
import { findById, updateById } from '../../db/by-id'
import { TransitionChain, markSettled, unsettled, writeConverging, type Claimed } from '../../db/transitions'
import type { CouponDoc, CouponModels, CouponRedemptionLogDoc } from './coupon.model'

/**
 * A coupon's uses as a chain of transition rows (db/transitions.ts) in coupon_redemption_log:
 * `<coupon>:use1`, `<coupon>:undo1`, `<coupon>:use2`, … Event k (from 1) is a use when k is odd and
 * the undo of the use before it when k is even, so a redemption is the insert of the next use and an
 * undo the insert of the next undo: of racing clerks one insert wins, whatever the mix, and a coupon
 * undone can be redeemed again exactly once. The coupon row's `state` and `redeemed*` fields are a
 * cache of the chain; `chain` on it says how long the chain was when written (a hint: it can lag).
 */
export interface CouponUses {
  /** events in the chain: odd = redeemed now */
  length: number
  /** the newest event (null for an unused coupon) */
  last: CouponRedemptionLogDoc | null
}

export const useEventId = (couponId: string, k: number) =>
  `${couponId}:${k % 2 === 1 ? 'use' : 'undo'}${Math.ceil(k / 2)}`
export const isRedeemed = (uses: CouponUses) => uses.length % 2 === 1

/** How long a redemption's writer has to write the coupon's cache before the sweeper does. */
const SETTLE_GRACE_MS = 30_000

export class CouponUseChain {
  private readonly Coupon: Model<CouponDoc>
  private readonly Log: Model<CouponRedemptionLogDoc>
  private readonly chain: TransitionChain<CouponRedemptionLogDoc>

  constructor(m: CouponModels) {
    this.Coupon = m.Coupon
    this.Log = m.RedemptionLog
    this.chain = new TransitionChain(this.Log, useEventId)
  }

  /** The chain as it is: from the coupon row's hint, probing the next events by `_id`. */
  read(coupon: Pick<CouponDoc, '_id' | 'state' | 'chain'>): Promise<CouponUses> {
    return this.chain.read(coupon._id, coupon.chain ?? 0)
  }

  /** Claims event `k` of the chain; a loser gets the row that won it. */
  claim(row: CouponRedemptionLogDoc): Promise<Claimed<CouponRedemptionLogDoc>> {
    return this.chain.claim(row)
  }

  /** Writes the coupon's cache from the chain until it holds (see writeConverging), then settles `row`. */
  async settle(coupon: CouponDoc, uses: CouponUses, row: CouponRedemptionLogDoc | null): Promise<CouponDoc> {
    let cached = coupon
    await writeConverging(
      () => this.read({ ...coupon, chain: uses.length }),
      async (u) => {
        cached = await this.cache(coupon, u)
      },
      (a, b) => a.length === b.length,
      uses,
    )
    if (row) await markSettled(this.Log, row._id)
    return cached
  }

  /** The cache a chain gives a coupon; written only when the row says otherwise. */
  async repair(coupon: CouponDoc, uses: CouponUses): Promise<CouponDoc> {
    const want = cacheOf(uses)
    const same = coupon.state === want.state && (coupon.chain ?? null) === want.chain
    return same ? coupon : this.settle(coupon, uses, null)
  }

  /** Finishes redemptions and undos whose writer crashed before writing the coupon's cache. */
  async sweep(now: Date, graceMs = SETTLE_GRACE_MS): Promise<number> {
    const rows = await unsettled<CouponRedemptionLogDoc>(this.Log, now, graceMs)
    for (const row of rows) {
      const coupon = await findById<CouponDoc>(this.Coupon, row.couponId)
      if (coupon) await this.settle(coupon, await this.read(coupon), row)
    }
    return rows.length
  }

  /** The redemptions among `rows` that stand: not undone since (wherever the undo falls in time). */
  async standing(rows: CouponRedemptionLogDoc[]): Promise<CouponRedemptionLogDoc[]> {
    const uses = rows.filter((r) => r.action === 'redeem')
    const undoIds = uses.map((r) => r._id.replace(/:use(\d+)$/, ':undo$1')).filter((id, i) => id !== uses[i]!._id)
    const undone = new Set(
      undoIds.length === 0
        ? []
        : (
            await this.Log.find({ _id: trusted({ $in: undoIds }) }, { _id: 1 })
              .lean()
              .exec()
          ).map((r) => r._id),
    )
    return uses.filter((r) => {
      if (/:use\d+$/.test(r._id)) return !undone.has(r._id.replace(/:use(\d+)$/, ':undo$1'))
      // Redemptions logged before the chain keep their random ids (their pairs of redeem and undo are history
      // the chain's numbering cannot take): an undo of the same coupon after it, among the rows given.
      return !rows.some((x) => x.action === 'undo' && x.couponId === r.couponId && x.at > r.at)
    })
  }

  private async cache(coupon: CouponDoc, uses: CouponUses): Promise<CouponDoc> {
    const set = cacheOf(uses)
    await updateById(this.Coupon, coupon._id, { $set: set })
    return { ...coupon, ...set }
  }
}

function cacheOf(
  uses: CouponUses,
): Pick<CouponDoc, 'state' | 'chain' | 'redeemedAt' | 'redeemedBy' | 'redeemedStoreId'> {
  if (!isRedeemed(uses))
    return { state: 'active', chain: uses.length, redeemedAt: null, redeemedBy: null, redeemedStoreId: null }
  const use = uses.last!
  return {
    state: 'redeemed',
    chain: uses.length,
    redeemedAt: use.at,
    redeemedBy: use.staffId,
    redeemedStoreId: use.storeId,
  }
}
