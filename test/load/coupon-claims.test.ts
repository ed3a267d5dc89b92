import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startTestApi, type TestApi } from '../support/api-harness'
import { formatReports, runClaimLoad, type ClaimLoadReport } from './claim-load'
import { mountNaiveClaim } from './naive-claim'

/**
 * Flash-sale claim load. The test command runs the small size; the full size (stock 1, 100 and
 * 1,000 against 5,000 members) runs with LOAD_SIZE=full (`npm run load:coupons`).
 */
const FULL = process.env.LOAD_SIZE === 'full'
const MEMBERS = FULL ? 5_000 : 400
const STOCKS = FULL ? [1, 100, 1_000] : [1, 100]
jest.setTimeout(FULL ? 1_800_000 : 180_000)

let api: TestApi
let operator: string
const reports: ClaimLoadReport[] = []

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' }, mountNaiveClaim)
  operator = (await api.loginStaff('load-operator', 'operator', null)).accessToken
})
afterAll(async () => {
  const dir = path.resolve(__dirname, '../../test-results/load')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'coupon-claims.json'), JSON.stringify(reports, null, 2))
  writeFileSync(path.join(dir, 'coupon-claims.txt'), formatReports(reports) + '\n')
  process.stdout.write(`\n${formatReports(reports)}\n`)
  await api.stop()
})

describe('coupon claims under flash-sale load', () => {
  it.each(STOCKS)(
    'stock %i: issues exactly min(stock, eligible), never oversells, never exceeds the per-member limit',
    async (stock) => {
      const report = await runClaimLoad(api, operator, {
        stock,
        members: MEMBERS,
        sameKeyShare: 0.1,
        differentKeyShare: 0.1,
        concurrency: 64,
        variant: 'slots',
      })
      reports.push(report)
      expect(report.issued).toBe(report.expected)
      expect(report.oversell).toBe(0)
      expect(report.perMemberExcess).toBe(0)
      expect(report.issuedPlusRemainingEqualsStock).toBe(true)
      expect(Object.keys(report.statusCounts).every((s) => !s.startsWith('5'))).toBe(true)
    },
  )

  it('the deliberately naive read-check-write claim oversells under the same load (negative control)', async () => {
    const report = await runClaimLoad(api, operator, {
      stock: 1,
      members: MEMBERS,
      sameKeyShare: 0.1,
      differentKeyShare: 0.1,
      concurrency: 64,
      variant: 'naive',
    })
    reports.push(report)
    expect(report.oversell).toBeGreaterThan(0)
  })
})
