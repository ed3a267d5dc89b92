import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startTestApi, type TestApi } from '../support/api-harness'
import { formatRedemptionReports, runRedemptionLoad, type RedemptionLoadReport } from './gift-redemption-load'
import { mountNaiveRedeem } from './naive-gift-redeem'

/**
 * A 限时兑换 window of the points mall under load. The test command runs the small size; the full
 * size (5,000 members, stock 100) runs with LOAD_SIZE=full (`npm run load:mall`).
 */
const FULL = process.env.LOAD_SIZE === 'full'
const MEMBERS = FULL ? 5_000 : 300
const STOCK = FULL ? 100 : 20
jest.setTimeout(FULL ? 1_800_000 : 180_000)

let api: TestApi
let operator: string
const reports: RedemptionLoadReport[] = []

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' }, mountNaiveRedeem)
  operator = (await api.loginStaff('mall-load-operator', 'operator', null)).accessToken
})
afterAll(async () => {
  const dir = path.resolve(__dirname, '../../test-results/load')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'gift-redemptions.json'), JSON.stringify(reports, null, 2))
  writeFileSync(path.join(dir, 'gift-redemptions.txt'), formatRedemptionReports(reports) + '\n')
  process.stdout.write(`\n${formatRedemptionReports(reports)}\n`)
  await api.stop()
})

describe('a 限时兑换 window under load', () => {
  it(`stock ${STOCK}, ${MEMBERS} members at once: exactly the stock redeemed, each paid once, 0 oversold`, async () => {
    const report = await runRedemptionLoad(api, operator, {
      stock: STOCK,
      members: MEMBERS,
      pricePoints: 100,
      sameKeyShare: 0.1,
      concurrency: 64,
      variant: 'slots',
    })
    reports.push(report)
    expect(report.issued).toBe(STOCK)
    expect(report.oversell).toBe(0)
    expect(report.perMemberExcess).toBe(0)
    expect(report.paidRedemptions).toBe(STOCK)
    expect(report.stockLeftShown).toBe(0)
    expect(Object.keys(report.statusCounts).every((s) => !s.startsWith('5'))).toBe(true)
  })

  it(
    'the deliberately naive read-check-write redemption ' + 'oversells under the same load (negative control)',
    async () => {
      const report = await runRedemptionLoad(api, operator, {
        stock: 1,
        members: MEMBERS,
        pricePoints: 100,
        sameKeyShare: 0.1,
        concurrency: 64,
        variant: 'naive',
      })
      reports.push(report)
      expect(report.oversell).toBeGreaterThan(0)
    },
  )
})
