import type { Connection } from 'mongoose'
import { isDuplicateKey } from './connect'

/**
 * Data migrations that give rows of earlier releases the current shape, chiefly rows written before
 * the state-transition chains (docs/state-transitions.md) the chain rows they stand for, so the code
 * reads one shape. Each works on the raw
 * collections (a migration must not change with the models), inserts with the `_id`s the code uses,
 * ignores duplicates and only `$set`s fields still absent: safe to run twice, and while servers serve
 * (a server's own insert of the same `_id` wins and the migration's is dropped).
 */

interface Row {
  _id: string
  [field: string]: unknown
}

async function insertIgnoringDuplicate(conn: Connection, collection: string, row: Row): Promise<void> {
  try {
    await conn.collection<Row>(collection).insertOne(row)
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
  }
}

const isChainEventId = (id: string) => /:(use|undo)\d+$/.test(id)

/**
 * A coupon redeemed before the use chain has no `<coupon>:use1` row and no `chain`: its row stood for
 * its first use. It gets that row, taken from its newest redemption in the old log (whose random-id row
 * then goes, so reports count the redemption once) or, with none, from the coupon's own fields.
 */
export async function couponUsesBeforeTheChain(conn: Connection): Promise<void> {
  const coupons = conn.collection<Row>('coupons')
  const log = conn.collection<Row>('coupon_redemption_log')
  const old = await coupons.find({ state: 'redeemed', chain: { $exists: false } }).toArray()
  for (const c of old) {
    const useId = `${c._id}:use1`
    const logged = (await log.find({ couponId: c._id, action: 'redeem' }).toArray())
      .filter((r) => !isChainEventId(r._id))
      .sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime())
      .at(-1)
    const use = {
      _id: useId,
      couponId: c._id,
      action: 'redeem',
      staffId: logged?.staffId ?? c.redeemedBy ?? '',
      storeId: logged?.storeId ?? c.redeemedStoreId ?? '',
      at: logged?.at ?? c.redeemedAt ?? c.claimedAt,
      settled: true,
    }
    await insertIgnoringDuplicate(conn, 'coupon_redemption_log', use)
    const written = await log.findOne({ _id: useId })
    // Only the old row the use was made from goes: a second run finds it gone, or finds the next older one unequal.
    if (logged && written && (written.at as Date).getTime() === (logged.at as Date).getTime())
      await log.deleteOne({ _id: logged._id })
    await coupons.updateOne({ _id: c._id, chain: { $exists: false } }, { $set: { chain: 1 } })
  }
}

/**
 * A points-campaign kill switch thrown before the switch chain is a control row `killed: true` without
 * `chain`: it stood for one kill. It gets that kill as the chain's first row, `<campaign>:s1`.
 */
export async function killSwitchesBeforeTheChain(conn: Connection): Promise<void> {
  const controls = conn.collection<Row>('points_campaign_controls')
  for (const c of await controls.find({ killed: true, chain: { $exists: false } }).toArray()) {
    await insertIgnoringDuplicate(conn, 'points_campaign_switches', {
      _id: `${c._id}:s1`,
      campaignId: c._id,
      killed: true,
      by: c.by ?? '',
      at: c.at ?? new Date(),
      note: c.note ?? '',
      settled: true,
    })
    await controls.updateOne({ _id: c._id, chain: { $exists: false } }, { $set: { chain: 1 } })
  }
}

const KIND_BY_STATUS: Record<string, string> = { active: 'activate', paused_budget: 'budget', killed: 'kill' }

/**
 * A campaign activated before its transition rows has its status only: it gets the row that status
 * stands for (`<campaign>:activate`, `:budget` or `:kill`), so a campaign without rows is a draft.
 */
export async function campaignsBeforeTheRows(conn: Connection): Promise<void> {
  const campaigns = conn.collection<Row>('campaigns')
  const rows = conn.collection<Row>('campaign_transitions')
  for (const c of await campaigns.find({ status: { $in: Object.keys(KIND_BY_STATUS) } }).toArray()) {
    const ids = ['kill', 'budget', 'activate'].map((kind) => `${c._id}:${kind}`)
    if ((await rows.countDocuments({ _id: { $in: ids } })) > 0) continue
    const kind = KIND_BY_STATUS[c.status as string]!
    const stopped = kind !== 'activate'
    await insertIgnoringDuplicate(conn, 'campaign_transitions', {
      _id: `${c._id}:${kind}`,
      campaignId: c._id,
      kind,
      by: (stopped ? c.stoppedBy : c.createdBy) ?? '',
      at: (stopped ? c.stoppedAt : c.createdAt) ?? new Date(),
      settled: true,
    })
  }
}

/** A purchase recorded before purchases named their channel came from the till. */
export async function purchasesBeforeChannels(conn: Connection): Promise<void> {
  await conn.collection<Row>('purchases').updateMany({ channel: { $exists: false } }, { $set: { channel: 'till' } })
}

/**
 * A coupon-book pointer written before the coupon id was recorded up front has `couponId: null` until a
 * reader repaired it by a `claimId` lookup. The lookup is done here once: the coupon's id, or `failed`.
 */
export async function couponPointersBeforeTheCouponId(conn: Connection): Promise<void> {
  const book = conn.collection<Row>('coupon_book')
  const coupons = conn.collection<Row>('coupons')
  for (const p of await book.find({ couponId: null, failed: { $ne: true } }).toArray()) {
    const coupon = await coupons.findOne({ claimId: p.claimId }, { projection: { _id: 1 } })
    await book.updateOne({ _id: p._id, couponId: null }, { $set: coupon ? { couponId: coupon._id } : { failed: true } })
  }
}
