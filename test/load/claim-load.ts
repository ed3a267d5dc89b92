import { performance } from 'node:perf_hooks'
import { insertMany } from './bulk-members'
import type { TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { naiveCouponModel } from './naive-claim'

export interface ClaimLoadOptions {
  stock: number
  members: number
  /** share of members that send the same claim 3× with one Idempotency-Key, and 3× with three keys */
  sameKeyShare: number
  differentKeyShare: number
  concurrency: number
  variant: 'slots' | 'naive'
}

export interface ClaimLoadReport {
  variant: string
  stock: number
  members: number
  requests: number
  issued: number
  expected: number
  oversell: number
  perMemberExcess: number
  stockLeftShown: number | null
  issuedPlusRemainingEqualsStock: boolean
  statusCounts: Record<string, number>
  claimsPerSecond: number
  p50Ms: number
  p99Ms: number
  seconds: number
  slowest: { ms: number; label: string; kind: string }[]
}

/** Fires the claims with a fixed number of requests in flight and measures each one. */
export async function runClaimLoad(
  api: TestApi,
  operatorToken: string,
  opts: ClaimLoadOptions,
): Promise<ClaimLoadReport> {
  const templateId = await createTemplate(api, operatorToken, {
    stock: opts.stock,
    name: `load-${opts.variant}-${opts.stock}`,
  })
  const tokens = await insertMany(api, opts.members)
  const path = opts.variant === 'slots' ? `/api/coupons/${templateId}/claim` : `/api/naive/coupons/${templateId}/claim`

  const jobs: { token: string; key?: string }[] = []
  tokens.forEach((token, i) => {
    const r = i / tokens.length
    if (r < opts.sameKeyShare) for (let k = 0; k < 3; k++) jobs.push({ token, key: `same-${i}-key` })
    else if (r < opts.sameKeyShare + opts.differentKeyShare)
      for (let k = 0; k < 3; k++) jobs.push({ token, key: `diff-${i}-key-${k}` })
    else jobs.push({ token })
  })
  shuffle(jobs)

  const latencies: number[] = []
  const slowest: { ms: number; label: string; kind: string }[] = []
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
          headers: { authorization: `Bearer ${job.token}`, ...(job.key ? { 'idempotency-key': job.key } : {}) },
        })
        const body = (await res.json()) as { error?: { code: string } }
        const ms = performance.now() - t0
        latencies.push(ms)
        const label = res.status === 200 ? '200' : `${res.status} ${body.error?.code ?? ''}`
        slowest.push({ ms: Math.round(ms), label, kind: job.key?.split('-')[0] ?? 'single' })
        slowest.sort((a, b) => b.ms - a.ms).splice(5)
        statusCounts[label] = (statusCounts[label] ?? 0) + 1
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000

  const docs =
    opts.variant === 'slots'
      ? await couponModels(api.conn).Coupon.find({ templateId }).lean().exec()
      : await naiveCouponModel(api.conn).find({ templateId }).lean().exec()
  const perMember = new Map<string, number>()
  for (const d of docs) perMember.set(d.memberId, (perMember.get(d.memberId) ?? 0) + 1)
  const issued = docs.length
  let stockLeftShown: number | null = null
  if (opts.variant === 'slots') {
    const centre = await fetch(`${api.url}/api/coupons`, { headers: { authorization: `Bearer ${tokens[0]}` } })
    const items = ((await centre.json()) as { items: { templateId: string; stockLeft: number | null }[] }).items
    stockLeftShown = items.find((c) => c.templateId === templateId)?.stockLeft ?? null
  }
  latencies.sort((a, b) => a - b)
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10
  return {
    variant: opts.variant,
    stock: opts.stock,
    members: opts.members,
    requests: jobs.length,
    issued,
    expected: Math.min(opts.stock, opts.members),
    oversell: Math.max(0, issued - opts.stock),
    perMemberExcess: [...perMember.values()].filter((n) => n > 1).length,
    stockLeftShown,
    issuedPlusRemainingEqualsStock: stockLeftShown === null ? false : issued + stockLeftShown === opts.stock,
    statusCounts,
    claimsPerSecond: Math.round(jobs.length / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    seconds: Math.round(seconds * 10) / 10,
    slowest,
  }
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
}

export function formatReports(reports: ClaimLoadReport[]): string {
  const head =
    'variant | stock | members | requests | issued | expected | oversell | per-member excess | ' +
    'issued+left=stock | claims/s | p50 ms | p99 ms'
  const rows = reports.map((r) =>
    [
      r.variant,
      r.stock,
      r.members,
      r.requests,
      r.issued,
      r.expected,
      r.oversell,
      r.perMemberExcess,
      r.variant === 'naive' ? 'n/a' : r.issuedPlusRemainingEqualsStock,
      r.claimsPerSecond,
      r.p50Ms,
      r.p99Ms,
    ].join(' | '),
  )
  return [head, ...rows].join('\n')
}
