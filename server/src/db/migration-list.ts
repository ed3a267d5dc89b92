import {
  campaignsBeforeTheRows,
  couponPointersBeforeTheCouponId,
  couponUsesBeforeTheChain,
  killSwitchesBeforeTheChain,
  purchasesBeforeChannels,
} from './migrate-chain-rows'
import type { Migration } from './migrations'
import { ledgerFactsBeforeTheDayRows } from '../modules/ops/ledger-facts-migration'
import { purchaseFactsBeforeTheDayRows } from '../modules/ops/purchase-facts-migration'

/**
 * Every data migration, in the order they run (ids sort in that order). Append only: a released
 * migration is never edited, a mistake is fixed by the next one.
 */
export const MIGRATIONS: Migration[] = [
  {
    id: '2026-12-06-01-idempotency-records-dated',
    description: 'idempotency records without createdAt get one, so the transient-rows sweeper can expire them',
    async up(conn) {
      await conn
        .collection('idempotency_records')
        .updateMany({ createdAt: { $exists: false } }, { $set: { createdAt: new Date() } })
    },
  },
  {
    id: '2026-12-06-02-coupon-uses-before-the-chain',
    description: 'coupons redeemed before the use chain get their <coupon>:use1 row and chain 1',
    up: couponUsesBeforeTheChain,
  },
  {
    id: '2026-12-06-03-kill-switches-before-the-chain',
    description: 'points-campaign kill switches thrown before the switch chain get their <campaign>:s1 row',
    up: killSwitchesBeforeTheChain,
  },
  {
    id: '2026-12-06-04-campaigns-before-the-rows',
    description: 'campaigns activated before the transition rows get the row their status stands for',
    up: campaignsBeforeTheRows,
  },
  {
    id: '2026-12-06-05-coupon-pointers-before-the-coupon-id',
    description: 'coupon-book pointers without a coupon id get it by their claim id, or are marked failed',
    up: couponPointersBeforeTheCouponId,
  },
  {
    id: '2026-12-06-06-purchases-before-channels',
    description: "purchases recorded before purchases named their channel get channel 'till'",
    up: purchasesBeforeChannels,
  },
  {
    id: '2026-12-06-07-ledger-facts-before-the-day-rows',
    description: "ledger entries posted before the dashboard's day rows get their fact row, for the close job",
    up: ledgerFactsBeforeTheDayRows,
  },
  {
    id: '2026-12-06-08-purchase-facts-before-the-day-rows',
    description: "purchases posted before the dashboard's purchase day rows get their posted fact, for the close job",
    up: purchaseFactsBeforeTheDayRows,
  },
]
