import type { Connection } from 'mongoose'
import { DEFAULT_EARNING_RULES, type ReceiptPhotoSubmission } from '@mall/shared'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { purchaseModel } from '../../server/src/modules/points/purchase.model'
import { StaffService } from '../../server/src/modules/staff/staff.service'
import {
  CHAOS_SWEEP_GRACE_SECONDS,
  createOpenStore,
  replayDifferences,
  retryingClient,
  startChaosWorld,
  workWhileKilling,
  type ChaosWorld,
} from '../support/chaos-world'
import { PNG_1X1_DATA_URL } from '../support/feedback-helpers'
import type { ServerProcess } from '../support/server-process'

/**
 * Chaos for 小票积分: receipts submitted by members, then decided by concurrent desks — approve (some with
 * another amount), reject, repeats by other desks, undo of some approvals — while the server process is
 * SIGKILLed and restarted. Afterwards: every approved receipt posted exactly once with the decided amount, every
 * undone one reversed exactly once, nothing left 'posting', submission statuses agree with the purchase rows,
 * and every wallet replays exactly. CHAOS_SIZE=full: 600 receipts, 10 kills.
 */
const FULL = process.env.CHAOS_SIZE === 'full'
const RECEIPTS = Number(process.env.CHAOS_RECEIPTS ?? (FULL ? 600 : 60))
const KILLS = Number(process.env.CHAOS_KILLS ?? (FULL ? 10 : 3))
const DESKS = 10
jest.setTimeout(FULL ? 3_600_000 : 600_000)

const PASSWORD = 'correct horse battery'
let world: ChaosWorld
let conn: Connection
let server: ServerProcess

beforeAll(async () => {
  world = await startChaosWorld('chaos_rp')
  ;({ conn, server } = world)
  for (let s = 0; s < 3; s++) await createOpenStore(conn, `RP${s}`, `门店${s}`)
  await conn
    .collection('program_rules')
    .updateOne(
      { _id: 'current' as never },
      { $set: { earning: { ...DEFAULT_EARNING_RULES, campaigns: [] } } },
      { upsert: true },
    )
  const staff = new StaffService(conn, {} as never)
  for (let d = 0; d < DESKS; d++)
    await staff.create({
      username: `chaos-desk-${d}`,
      password: PASSWORD,
      displayName: `服务台${d}`,
      role: 'clerk',
      storeId: null,
    })
})
afterAll(() => world?.stop())

/** A request retried until the server answers (it may be dead or restarting meanwhile). */
const call = (method: string, path: string, token: string, body?: unknown, idempotencyKey?: string) =>
  retryingClient(server)(method, path, token, body, idempotencyKey)

async function login(path: string, body: unknown): Promise<string> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return ((await res.json()) as { accessToken: string }).accessToken
}

type Plan = { id: string; amountFen: number; action: 'approve' | 'reject'; editTo: number | null; undo: boolean }

describe('chaos: receipt-photo decisions while the server is killed', () => {
  it(
    `${RECEIPTS} receipts decided by ${DESKS} desks with ` + `repeats and undos, ${KILLS} kills: each posts once`,
    async () => {
      const members = await Promise.all(
        Array.from({ length: Math.ceil(RECEIPTS / 9) }, (_, i) =>
          login('/api/auth/dev-login', { devUser: `chaos-rp-${i}` }),
        ),
      )
      const desks = await Promise.all(
        Array.from({ length: DESKS }, (_, d) =>
          login('/api/staff/auth/login', { username: `chaos-desk-${d}`, password: PASSWORD }),
        ),
      )
      // Submissions first (3 per member per store per day: 9 per member over three stores).
      const plans: Plan[] = []
      for (let i = 0; i < RECEIPTS; i++) {
        const token = members[Math.floor(i / 9)]!
        const up = await call('POST', '/api/me/receipt-photos/uploads', token, { photo: PNG_1X1_DATA_URL })
        const amountFen = 20_00 + Math.floor(Math.random() * 800_00)
        const res = await call(
          'POST',
          '/api/me/receipt-photos',
          token,
          {
            photoId: up.body.photoId,
            storeId: `RP${i % 3}`,
            receiptNo: `CH${i}`,
            amountFen,
            purchasedAt: new Date(Date.now() - 3600_000).toISOString(),
          },
          `chaos-rp-${i}`,
        )
        expect({ i, status: res.status }).toEqual({ i, status: 201 })
        const approve = Math.random() < 0.75
        plans.push({
          id: res.body.submissionId as string,
          amountFen,
          action: approve ? 'approve' : 'reject',
          editTo: approve && Math.random() < 0.3 ? amountFen - 5_00 : null,
          undo: approve && Math.random() < 0.25,
        })
      }

      // Each receipt's decision sent 1–3 times by different desks (the first desk's wins or repeats), undo after.
      type Send = () => Promise<number>
      const sends: Send[][] = plans.map((p) => {
        const decide = (desk: string) => () =>
          call(
            'POST',
            `/api/staff/receipt-photos/${p.id}/${p.action}`,
            desk,
            p.action === 'reject'
              ? { reason: 'unreadable' }
              : p.editTo
                ? { amountFen: p.editTo, note: '按小票实付' }
                : {},
          ).then((r) => r.status)
        const steps: Send[] = []
        for (let k = 1 + Math.floor(Math.random() * 3); k > 0; k--) steps.push(decide(desks[(k * 7) % DESKS]!))
        if (p.undo)
          steps.push(() => call('POST', `/api/staff/receipt-photos/${p.id}/undo`, desks[0]!, {}).then((r) => r.status))
        return steps
      })
      const statuses = new Map<number, number>()
      await workWhileKilling(server, KILLS, sends, DESKS, async (steps) => {
        for (const step of steps) {
          const status = await step()
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
        }
      })
      process.stdout.write(
        `\nreceipt-photo chaos: ${RECEIPTS} receipts, ${server.kills} kills, ` +
          `answers ${JSON.stringify(Object.fromEntries(statuses))}\n`,
      )
      expect(server.kills).toBeGreaterThanOrEqual(KILLS)
      // 200 for a decision (or its repeat by the same desk), 409 for another desk's losing repeat: never anything else
      expect([...statuses.keys()].filter((s) => s !== 200 && s !== 409)).toEqual([])

      // The sweeper finishes what a kill left half-done (as the scheduler does once it is past the grace,
      // CHAOS_SWEEP_GRACE_SECONDS here), then every read agrees.
      await new Promise((r) => setTimeout(r, (CHAOS_SWEEP_GRACE_SECONDS + 1) * 1000))
      const operator = await (async () => {
        await new StaffService(conn, {} as never).create({
          username: 'chaos-operator',
          password: PASSWORD,
          displayName: '运营',
          role: 'operator',
          storeId: null,
        })
        return login('/api/staff/auth/login', { username: 'chaos-operator', password: PASSWORD })
      })()
      expect((await call('POST', '/api/ops/jobs/sweep-purchases', operator, {})).status).toBe(200)

      const { Entry } = ledgerModels(conn)
      const entries = await Entry.find({}, { eventKey: 1, delta: 1, meta: 1 }).lean()
      // Each posting's amount: the delta depends on the member's tier then (9 receipts can lift a member a tier).
      const byKey = new Map<string, { delta: number; amountFen: number }[]>()
      for (const e of entries)
        byKey.set(e.eventKey, [
          ...(byKey.get(e.eventKey) ?? []),
          { delta: e.delta, amountFen: Number((e.meta as { amountFen?: number }).amountFen) },
        ])
      for (const p of plans) {
        const view = (await call('GET', `/api/staff/receipt-photos/${p.id}`, desks[1]!)).body
          .submission as ReceiptPhotoSubmission
        const posted = byKey.get(`purchase:${p.id}`) ?? []
        const reversed = byKey.get(`reversal:purchase:${p.id}`) ?? []
        if (p.action === 'reject') {
          expect({ id: p.id, status: view.status, posted }).toEqual({ id: p.id, status: 'rejected', posted: [] })
          continue
        }
        const amountFen = p.editTo ?? p.amountFen
        expect({ id: p.id, postings: posted.length, amountFen: posted[0]?.amountFen }).toEqual({
          id: p.id,
          postings: 1,
          amountFen,
        })
        expect({ id: p.id, reversed: reversed.map((r) => r.delta) }).toEqual({
          id: p.id,
          reversed: p.undo ? [-posted[0]!.delta] : [],
        })
        expect({ id: p.id, status: view.status }).toEqual({ id: p.id, status: p.undo ? 'undone' : 'approved' })
      }
      expect(await purchaseModel(conn).countDocuments({ status: 'posting' })).toBe(0)
      expect(await replayDifferences(conn)).toEqual([])
    },
  )
})
