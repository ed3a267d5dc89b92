import { performance } from 'node:perf_hooks'
import { shanghaiMonth } from '@mall/shared'
import { insertMany } from './bulk-members'
import type { TestApi } from '../support/api-harness'
import { createGift } from '../support/mall-helpers'
import { pointsMallModels } from '../../server/src/modules/points-mall/points-mall.model'
import { naiveRedemptionModel } from './naive-gift-redeem'

export interface RedemptionLoadOptions {
  stock: number
  members: number
  pricePoints: number
  /** share of members that tap 兑换 three times with one Idempotency-Key */
  sameKeyShare: number
  concurrency: number
  variant: 'slots' | 'naive'
}

export interface RedemptionLoadReport {
  variant: string
  stock: number
  members: number
  requests: number
  issued: number
  oversell: number
  perMemberExcess: number
  /** points debited for gifts ÷ price: equals `issued` when each redemption was paid exactly once */
  paidRedemptions: number | null
  stockLeftShown: number | null
  statusCounts: Record<string, number>
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  seconds: number
}

/** Members with points, as fast as the ledger posts them (each through LedgerService.post). */
async function membersWithPoints(api: TestApi, count: number, points: number): Promise<string[]> {
  const tokens = await insertMany(api, count)
  const ids = tokens.map((t) => api.ctx.tokens.verify<{ sub: string }>(t, 'member', api.clock.now()).sub)
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ids.length) {
        const memberId = ids[next++]!
        await api.ctx.services.ledger.post({
          memberId,
          eventKey: `load-points:${memberId}`,
          type: 'test',
          now: api.clock.now(),
          plan: () => ({
            op: { kind: 'credit', points, earnedMonth: shanghaiMonth(api.clock.now()), expiryMonths: 24 },
          }),
        })
      }
    }),
  )
  return tokens
}

/** A 限时兑换 window opens and every member taps 兑换 at once (a fixed number of requests in flight). */
export async function runRedemptionLoad(
  api: TestApi,
  operatorToken: string,
  opts: RedemptionLoadOptions,
): Promise<RedemptionLoadReport> {
  const now = api.clock.now().getTime()
  const giftId = await createGift(api, operatorToken, {
    name: `限时兑换-${opts.variant}-${opts.stock}`,
    stock: opts.stock,
    pricePoints: opts.pricePoints,
    availableFrom: new Date(now - 1_000).toISOString(),
    availableTo: new Date(now + 3_600_000).toISOString(),
  })
  const tokens = await membersWithPoints(api, opts.members, opts.pricePoints * 2)
  const path = opts.variant === 'slots' ? `/api/mall/gifts/${giftId}/redeem` : `/api/naive/mall/gifts/${giftId}/redeem`
  const jobs: { token: string; key?: string }[] = []
  tokens.forEach((token, i) => {
    if (i / tokens.length < opts.sameKeyShare) for (let k = 0; k < 3; k++) jobs.push({ token, key: `tap-${i}` })
    else jobs.push({ token })
  })
  shuffle(jobs)

  const latencies: number[] = []
  const statusCounts: Record<string, number> = {}
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!
        const t0 = performance.now()
        const res = await fetch(api.url + path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${job.token}`,
            'content-type': 'application/json',
            ...(job.key ? { 'idempotency-key': job.key } : {}),
          },
          body: JSON.stringify({ fulfilment: 'pickup' }),
        })
        const body = (await res.json()) as { error?: { code: string } }
        latencies.push(performance.now() - t0)
        const label = res.status === 200 ? '200' : `${res.status} ${body.error?.code ?? ''}`
        statusCounts[label] = (statusCounts[label] ?? 0) + 1
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000

  const rows =
    opts.variant === 'slots'
      ? await pointsMallModels(api.conn).Slot.find({ giftId }).lean().exec()
      : await naiveRedemptionModel(api.conn).find({ giftId }).lean().exec()
  const perMember = new Map<string, number>()
  for (const r of rows) perMember.set(r.memberId, (perMember.get(r.memberId) ?? 0) + 1)
  let paidRedemptions: number | null = null
  let stockLeftShown: number | null = null
  if (opts.variant === 'slots') {
    const debits = await api.conn
      .collection('ledger_entries')
      .find({ type: 'gift', 'meta.giftId': giftId }, { projection: { op: 1 } })
      .toArray()
    paidRedemptions = debits.reduce((n, e) => n + (e.op as { points: number }).points, 0) / opts.pricePoints
    const res = await fetch(`${api.url}/api/mall/gifts/${giftId}`, {
      headers: { authorization: `Bearer ${tokens[0]}` },
    })
    stockLeftShown = ((await res.json()) as { stockLeft: number | null }).stockLeft
  }
  latencies.sort((a, b) => a - b)
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10
  return {
    variant: opts.variant,
    stock: opts.stock,
    members: opts.members,
    requests: jobs.length,
    issued: rows.length,
    oversell: Math.max(0, rows.length - opts.stock),
    perMemberExcess: [...perMember.values()].filter((n) => n > 1).length,
    paidRedemptions,
    stockLeftShown,
    statusCounts,
    requestsPerSecond: Math.round(jobs.length / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    seconds: Math.round(seconds * 10) / 10,
  }
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
}

export function formatRedemptionReports(reports: RedemptionLoadReport[]): string {
  const head =
    'variant | stock | members | requests | issued | oversell | per-member excess | paid | left shown | ' +
    'req/s | p50 ms | p99 ms'
  const rows = reports.map((r) =>
    [
      r.variant,
      r.stock,
      r.members,
      r.requests,
      r.issued,
      r.oversell,
      r.perMemberExcess,
      r.paidRedemptions ?? 'n/a',
      r.stockLeftShown ?? 'n/a',
      r.requestsPerSecond,
      r.p50Ms,
      r.p99Ms,
    ].join(' | '),
  )
  return [head, ...rows].join('\n')
}
