import type { Connection } from 'mongoose'
import { DEFAULT_EARNING_RULES, refundPoints } from '@mall/shared'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { memberModels } from '../../server/src/modules/members/member.model'
import { purchaseModel } from '../../server/src/modules/points/purchase.model'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'
import {
  createOpenStore,
  replayDifferences,
  startChaosWorld,
  workWhileKilling,
  type ChaosWorld,
} from '../support/chaos-world'
import type { ServerProcess } from '../support/server-process'
import { startWechatPayStub, type Notification, type WechatPayStub } from '../support/wechat-pay-stub'

/**
 * Chaos for WeChat Pay 智慧商圈: payments and (partial) refunds, each notified 1–4 times, refunds as often
 * before their payment as after, from concurrent senders that retry like WeChat (until a 2xx, each try
 * signed afresh) while the server process is SIGKILLed and restarted. Afterwards: every payment posted
 * exactly once with its sync row, every refund reversed exactly once by its share, and every wallet
 * replays exactly. CHAOS_SIZE=full: 1,000 payments, 12 kills.
 */
const FULL = process.env.CHAOS_SIZE === 'full'
const PAYMENTS = Number(process.env.CHAOS_PAYMENTS ?? (FULL ? 1_000 : 120))
const KILLS = Number(process.env.CHAOS_KILLS ?? (FULL ? 12 : 4))
const SENDERS = 12
const MEMBERS = 20
const MCHID = '1900000101'
jest.setTimeout(FULL ? 3_600_000 : 600_000)

let world: ChaosWorld
let conn: Connection
let server: ServerProcess
let pay: WechatPayStub

beforeAll(async () => {
  pay = await startWechatPayStub()
  world = await startChaosWorld('chaos_wx', pay.env())
  ;({ conn, server } = world)
  await createOpenStore(conn, 'WX', '微信门店')
  await wechatPayModels(conn).Merchant.create({ _id: MCHID, storeId: 'WX', updatedAt: new Date(), updatedBy: 'chaos' })
  // No member day: the expected points of a payment are then its whole yuan at tier 1 (tiers may rise; see below).
  await conn.collection('program_rules').updateOne(
    { _id: 'current' as never },
    { $set: { earning: { ...DEFAULT_EARNING_RULES, campaigns: [] } } },
    {
      upsert: true,
    },
  )
})
afterAll(async () => {
  await world?.stop()
  await pay?.close()
})

const rfc3339 = (at: Date) => `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`

/** Sends until a 2xx, like WeChat (network errors and 5xx while the server is being killed). */
async function deliver(path: string, build: () => Notification): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { status } = await pay.deliver(server.url + path, build())
      if (status < 500) return status
    } catch {
      /* killed mid-request */
    }
    if (attempt > 400) throw new Error(`no answer for ${path}`)
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
  }
}

describe('chaos: 商圈 notifications while the server is killed', () => {
  it(`${PAYMENTS} payments with repeats and refunds, ${KILLS} kills: each earns once, each refund once`, async () => {
    const openids: string[] = []
    for (let i = 0; i < MEMBERS; i++) {
      const res = await fetch(`${server.url}/api/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ devUser: `chaos-wx-${i}` }),
      })
      const memberId = ((await res.json()) as { member: { memberId: string } }).member.memberId
      await memberModels(conn).MemberIdentity.create({ _id: `wx:o-chaos-${i}`, memberId, createdAt: new Date() })
      openids.push(`o-chaos-${i}`)
    }
    type Send = { path: string; build: () => Notification }
    const sends: Send[] = []
    const refunds: { id: string; txn: string; payFen: number; refundFen: number }[] = []
    const txns: string[] = []
    for (let i = 0; i < PAYMENTS; i++) {
      const txn = `42000000${String(i).padStart(10, '0')}`
      const openid = openids[i % MEMBERS]!
      const amount = 1_000 + Math.floor(Math.random() * 50_000)
      txns.push(txn)
      const build = () =>
        pay.notification('MALL_TRANSACTION.SUCCESS', {
          mchid: MCHID,
          appid: 'wx-dev-appid',
          openid,
          time_end: rfc3339(new Date()),
          amount,
          transaction_id: txn,
        })
      for (let k = 1 + Math.floor(Math.random() * 4); k > 0; k--)
        sends.push({ path: '/api/wechat-pay/notify/transaction', build })
      if (Math.random() < 0.4) {
        const parts = Math.random() < 0.5 ? [amount] : [Math.floor(amount / 3), amount - Math.floor(amount / 3)]
        parts.forEach((refundFen, r) => {
          const id = `50300000${String(i).padStart(8, '0')}${r}`
          refunds.push({ id, txn, payFen: amount, refundFen })
          const buildRefund = () =>
            pay.notification('MALL_REFUND.SUCCESS', {
              mchid: MCHID,
              appid: 'wx-dev-appid',
              openid,
              refund_time: rfc3339(new Date()),
              pay_amount: amount,
              refund_amount: refundFen,
              transaction_id: txn,
              refund_id: id,
            })
          for (let k = 1 + Math.floor(Math.random() * 3); k > 0; k--)
            sends.push({ path: '/api/wechat-pay/notify/transaction', build: buildRefund })
        })
      }
    }
    // Shuffled: a refund is as likely to come before its payment as after.
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[sends[i], sends[j]] = [sends[j]!, sends[i]!]
    }

    const statuses = new Map<number, number>()
    await workWhileKilling(server, KILLS, sends, SENDERS, async (send) => {
      const status = await deliver(send.path, send.build)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    })
    process.stdout.write(
      `\nwechat-pay chaos: ${PAYMENTS} payments, ${refunds.length} refunds, ${sends.length} notifications, ` +
        `${server.kills} kills, answers ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    )
    expect(server.kills).toBeGreaterThanOrEqual(KILLS)
    // A nonce is never reused by these senders: every notification ends in 204.
    expect([...statuses.keys()]).toEqual([204])

    const { Entry } = ledgerModels(conn)
    const entries = await Entry.find({}, { eventKey: 1, delta: 1 }).lean()
    const byKey = new Map<string, { delta: number }[]>()
    for (const e of entries) byKey.set(e.eventKey, [...(byKey.get(e.eventKey) ?? []), e])
    for (const txn of txns)
      expect({ txn, postings: byKey.get(`purchase:wx:${txn}`)?.length }).toEqual({ txn, postings: 1 })
    for (const r of refunds) {
      const earned = byKey.get(`purchase:wx:${r.txn}`)![0]!.delta
      expect({ refund: r.id, reversals: byKey.get(`refund:${r.id}`)?.map((e) => e.delta) }).toEqual({
        refund: r.id,
        reversals: [-refundPoints(earned, r.payFen, r.refundFen)],
      })
    }
    const m = wechatPayModels(conn)
    expect(await m.Sync.countDocuments({})).toBe(PAYMENTS)
    expect(await m.Refund.countDocuments({ settled: false })).toBe(0)
    expect(await purchaseModel(conn).countDocuments({ status: 'posting' })).toBe(0)
    expect(await replayDifferences(conn)).toEqual([])
  })
})
