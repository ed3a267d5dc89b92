import type { Connection } from 'mongoose'
import type { AppContext } from '../../app-context'
import { bulkInsert } from '../../db/insert-batch'
import { checkinModels } from '../../modules/checkin/checkin.model'
import { ledgerModels } from '../../modules/ledger/ledger.model'
import { memberModels } from '../../modules/members/member.model'
import { purchaseKeyModel, purchaseModel } from '../../modules/points/purchase.model'
import { referralModels, type ReferralDoc } from '../../modules/referrals/referral.model'
import { storeModel } from '../../modules/stores/store.model'
import { demoCalendar } from './calendar'
import { memberLedger, type InviterReward, type MemberRows } from './ledger'
import { planMembers } from './plan'
import { Prng } from './prng'
import { mallStores } from './stores'
import { seedMallActivity } from './activity'
import { seedLedgerDays } from './ledger-days'
import { ledgerFactOf, type LedgerFactDoc } from '../../modules/ledger/ledger-facts'
import { purchaseFactOf, type PurchaseFactDoc } from '../../modules/points/purchase-facts'
import { seedPurchaseDays } from './purchase-days'
import { seedMallQueues } from './queues'
import { uploadDemoReceipts } from './queue-photos'

export interface MallSize {
  members: number
  stores: number
  months: number
}
/** What `--demo` seeds: a mall of about a hundred stores and twenty thousand members with a year of history. */
export const BIG_MALL: MallSize = { members: 20_000, stores: 100, months: 12 }
/**
 * What `--demo` seeds by default: the big mall's stores and year with fewer members, because on the embedded
 * database the console's dashboard still scans the members and the range's check-ins (23–31 s a load at
 * 20,000 on the shared box at load 7, docs/performance.md) and the seed takes about a minute at 20,000.
 * `--demo-size=20000` gives the full size.
 */
export const DEMO_MALL: MallSize = { ...BIG_MALL, members: 3_000 }

const SEED = 20261206
const BATCH = 2_000

/**
 * Seeds the demo mall in bulk, once (a marker row says it was done): stores on six floors, members
 * across the tiers with a year of purchases by till, 微信支付, 小票拍照 and 服务台补登, check-ins and
 * invites, each member's ledger worked out by the wallet rules and written with grouped inserts, then
 * coupons and feedback through the services, and the work queues an operator finds waiting (queues.ts).
 * Deterministic: the same size gives the same mall.
 */
export async function seedMall(
  ctx: AppContext,
  conn: Connection,
  size: MallSize,
): Promise<Record<string, number> | null> {
  const Marker = conn.collection('demo_seed_runs')
  if (await Marker.findOne({ _id: 'mall' as never })) return null
  const started = Date.now()
  const now = ctx.now()
  const rules = await ctx.services.rules.current()
  const rng = new Prng(SEED)
  const stores = mallStores(rng, size.stores)
  const counts: Record<string, number> = {}
  counts.stores = await bulkInsert(
    storeModel(conn),
    stores.map((s) => s.store),
  )

  const cal = demoCalendar(now, size.months)
  const plan = planMembers(rng, size.members, cal, stores)
  // Today's receipt photos are read by OCR (seconds of a child process) while the bulk rows are written.
  const photoTakers = plan.slice(-40, -20).map((m) => m.id)
  const receiptUploads = uploadDemoReceipts(
    ctx,
    photoTakers,
    stores.map((s) => s.store),
    now,
  )
  receiptUploads.catch(() => undefined) // awaited below; a failure of the bulk part first must not leave it unhandled
  const rewards = new Map<number, InviterReward[]>()
  const referrals: ReferralDoc[] = []
  const referralRows: Record<string, unknown>[] = []
  plan.forEach((m) => {
    if (m.inviterIndex === null || m.inviterIndex < 0) return
    const first = m.purchases[0]
    const purchaseId = first && (first.channel === 'wechat_pay' ? `wx:${first.ref}` : `${first.store._id}:${first.ref}`)
    referrals.push({
      _id: m.id,
      inviterId: plan[m.inviterIndex]!.id,
      status: first ? 'rewarded' : 'registered',
      createdAt: m.joinedAt,
      qualifyingPurchase: purchaseId ?? null,
      qualifiedAt: first?.at ?? null,
      inviterRewardPoints: first ? rules.referral.inviterPoints : 0,
      inviteeRewardPoints: rules.referral.inviteePoints,
    })
    if (!first) return
    const reward = { at: first.at, inviteeId: m.id, purchaseId: purchaseId! }
    rewards.set(m.inviterIndex, [...(rewards.get(m.inviterIndex) ?? []), reward])
    // The referral's transitions as the service writes them: qualified by the purchase, then rewarded.
    const row = { inviteeId: m.id, round: 1, purchaseId, at: first.at, settled: true }
    referralRows.push({ _id: `${m.id}:q1`, kind: 'q', outcome: null, points: 0, ...row })
    referralRows.push({
      _id: `${m.id}:o1`,
      kind: 'o',
      outcome: 'rewarded',
      points: rules.referral.inviterPoints,
      ...row,
    })
  })

  const { Member, MemberIdentity } = memberModels(conn)
  const Entry = ledgerModels(conn).Entry
  const Purchase = purchaseModel(conn)
  const Key = purchaseKeyModel(conn)
  const { Checkin } = checkinModels(conn)
  const add = (key: string, n: number) => (counts[key] = (counts[key] ?? 0) + n)
  const facts: LedgerFactDoc[] = []
  const purchaseFacts: PurchaseFactDoc[] = []
  for (let from = 0; from < plan.length; from += BATCH) {
    const rows: MemberRows[] = plan.slice(from, from + BATCH).map((m, k) => {
      const i = from + k
      const inviter = m.inviterIndex !== null && m.inviterIndex >= 0 ? plan[m.inviterIndex]!.id : null
      return memberLedger(m, rules, cal, rng, rewards.get(i) ?? [], inviter)
    })
    for (const r of rows) for (const e of r.entries) facts.push(ledgerFactOf(e))
    for (const r of rows) for (const p of r.purchases) purchaseFacts.push(purchaseFactOf(p, 'posted', p.postedAt!))
    const identities = rows.flatMap((r) => [
      { _id: `invite:${r.member.inviteCode}`, memberId: r.member._id, createdAt: r.member.joinedAt },
      ...(r.member.openid
        ? [{ _id: `wx:${r.member.openid}`, memberId: r.member._id, createdAt: r.member.joinedAt }]
        : []),
    ])
    const written = await Promise.all([
      bulkInsert(
        Member,
        rows.map((r) => r.member),
      ),
      bulkInsert(MemberIdentity, identities),
      bulkInsert(
        Entry,
        rows.flatMap((r) => r.entries),
        500,
      ),
      bulkInsert(
        Purchase,
        rows.flatMap((r) => r.purchases),
      ),
      bulkInsert(
        Key,
        rows.flatMap((r) => r.keys),
      ),
      bulkInsert(
        Checkin,
        rows.flatMap((r) => r.checkins),
      ),
    ])
    ;['members', 'identities', 'ledgerEntries', 'purchases', 'purchaseKeys', 'checkins'].forEach((k, j) =>
      add(k, written[j]!),
    )
  }
  counts.referrals = await bulkInsert(referralModels(conn).Referral, referrals)
  await bulkInsert({ collection: conn.collection('referral_transitions') } as never, referralRows)
  counts.bulkSeconds = Math.round((Date.now() - started) / 100) / 10
  Object.assign(
    counts,
    await seedMallActivity(
      ctx,
      plan.slice(-3000).map((m) => m.id),
      stores.map((s) => s.store._id),
      now,
    ),
  )
  const queuesStarted = Date.now()
  Object.assign(
    counts,
    await seedMallQueues(
      ctx,
      plan.map((m) => ({ id: m.id, openid: m.openid })),
      stores.map((s) => s.store),
      await receiptUploads,
      now,
    ),
  )
  counts.queuesSeconds = Math.round((Date.now() - queuesStarted) / 100) / 10
  counts.ledgerDays = await seedLedgerDays(conn, facts, now)
  counts.purchaseDays = await seedPurchaseDays(conn, purchaseFacts, now)
  await Marker.insertOne({ _id: 'mall' as never, at: now, size, seconds: (Date.now() - started) / 1000 })
  counts.seconds = Math.round((Date.now() - started) / 100) / 10
  return counts
}
