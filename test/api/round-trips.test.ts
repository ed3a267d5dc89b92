import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import { createApp } from '../../server/src/app'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { templateInput } from '../support/coupon-helpers'
import { databaseCalls } from '../support/database-calls'
import { award, scan } from '../support/points-helpers'

/**
 * Database round trips per request on the hot routes. On the embedded database throughput follows
 * this count (README, Performance), so a change that adds one shows up here, not only in a bench.
 * Counted with mongoose's debug hook, which sees every collection call the server makes.
 */
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('RT')
  // The counted award takes its till's caps from the lease the warm-up award took in the same hour.
  api.clock.runFromStartOfHour()
})
afterAll(() => api.stop())

async function roundTrips(request: () => PromiseLike<{ status: number }>): Promise<string[]> {
  const { result, calls } = await databaseCalls(request)
  expect(result.status).toBe(200)
  return calls
}

it('check-in, purchase award and coupon claim stay within their round-trip budgets', async () => {
  const clerk = (await api.loginStaff('rt-clerk', 'manager', 'RT')).accessToken
  const operator = (await api.loginStaff('rt-op', 'operator', null)).accessToken
  const [warm, member] = await Promise.all([api.loginMember('rt-warm'), api.loginMember('rt-member')])
  const template = (
    await api.http
      .post('/api/ops/coupon-templates')
      .set(bearer(operator))
      .send(templateInput({ stock: null, perMemberLimit: 5 }))
  ).body._id as string
  // First uses warm the process (rules, store, template caches); the counted requests are a member's
  // first of each kind.
  await api.http.post('/api/me/checkin').set(bearer(warm.accessToken)).send({})
  await award(api, clerk, { scanToken: await scan(api, warm, clerk), receiptNo: 'RT-0', amountFen: 123_00 })
  await api.http.post(`/api/coupons/${template}/claim`).set(bearer(warm.accessToken)).send()

  const checkin = await roundTrips(() => api.http.post('/api/me/checkin').set(bearer(member.accessToken)).send({}))
  // A caller's first request in a rate-limit window takes a block of its budget, shared by all instances
  // (http/rate-limit-store.ts); the next requests in the window are counted in memory.
  expect(checkin).toEqual([
    'rate_limit_blocks.insertOne',
    'checkins.findOne',
    'checkins.insertOne',
    'ledger_entries.insertOne',
    'kpi_ledger_facts.insertOne',
    'checkins.updateOne',
  ])

  const scanToken = await scan(api, member, clerk)
  const purchase = await roundTrips(() => award(api, clerk, { scanToken, receiptNo: 'RT-1', amountFen: 123_00 }))
  // Every ledger entry has its fact row for the dashboard beside it (modules/ledger/ledger-facts.ts: the
  // dashboard reads the open day from those instead of scanning the ledger); concurrent awards share its insert.
  // A posted purchase's fact (points/purchase-facts.ts) goes before its status cache, for the dashboard's purchases.
  // The member's first visit to the till today is counted; the till's caps are taken from the lease its
  // warm-up award took (till-quota.ts), without a round trip.
  expect(purchase).toEqual([
    'daily_totals.insertOne',
    'purchases.insertOne',
    'ledger_entries.insertOne',
    'kpi_ledger_facts.insertOne',
    'kpi_purchase_facts.insertOne',
    'purchases.updateOne',
    'staff_audit.insertOne',
  ])

  const claim = await roundTrips(() =>
    api.http.post(`/api/coupons/${template}/claim`).set(bearer(member.accessToken)).send(),
  )
  // The book's pointer count comes with the member row the claim reads for the tier (cached here). A
  // member's first claim first raises it from 0 ("empty", which readers trust) to 1; later ones write
  // it with every 4th pointer only.
  expect(claim).toEqual([
    'rate_limit_blocks.insertOne',
    'members.updateOne',
    'coupon_book.insertOne',
    'coupons.insertOne',
  ])
  const second = await roundTrips(() =>
    api.http.post(`/api/coupons/${template}/claim`).set(bearer(member.accessToken)).send(),
  )
  // (a member's next claim of a template starts at the ordinal after the last this process took)
  expect(second).toEqual(['coupon_book.insertOne', 'coupons.insertOne'])

  // The coupon centre of a member who never claimed: the member row alone (tier, and a book it says is empty).
  const newcomer = await api.loginMember('rt-newcomer')
  await api.ctx.services.members.setTier(newcomer.member.memberId, 1) // drops the row login cached
  await api.http.get('/api/coupons').set(bearer(warm.accessToken)) // the open templates, cached for 2 s
  const centre = await roundTrips(() => api.http.get('/api/coupons').set(bearer(newcomer.accessToken)))
  expect(centre).toEqual(['members.findOne'])

  // A member's book keeps every coupon ever claimed; the coupon centre reads only those of open
  // templates. With the template of the member's two coupons paused: the member row, the two pointers
  // and the probe, no coupon.
  const paused = await api.http
    .post(`/api/ops/coupon-templates/${template}/status`)
    .set(bearer(operator))
    .send({ status: 'paused', note: 'round trips' })
  expect(paused.status).toBe(200)
  const held = await roundTrips(() => api.http.get('/api/coupons').set(bearer(member.accessToken)))
  expect(held.filter((c) => !c.startsWith('coupon_templates.')).sort()).toEqual([
    'coupon_book.findOne',
    'coupon_book.findOne',
    'coupon_book.findOne',
    'members.findOne',
  ])

  // A warm read of the card: the member row is cached; one probe for entries another process may have added.
  const card = await roundTrips(() => api.http.get('/api/me/card').set(bearer(member.accessToken)))
  expect(card).toEqual(['ledger_entries.findOne'])
})

it(
  'an award served by another process than the scan reads ' + 'no member row: the scan token carries the wallet head',
  async () => {
    // Another server process on the same database: its own caches, the same keys.
    const { app } = createApp({
      config: api.config,
      conn: api.conn,
      wechat: createWechatClient(api.config.wechat, api.conn),
      logger: pino({ level: 'silent' }),
      now: api.clock.now,
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', resolve))
    try {
      const elsewhere = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      const clerk = (await api.loginStaff('rt-clerk-2', 'manager', 'RT')).accessToken
      const [warm, member] = await Promise.all([api.loginMember('rt-warm-2'), api.loginMember('rt-member-2')])
      const awardThere = (scanToken: string, receiptNo: string) =>
        elsewhere.post('/api/staff/purchases').set(bearer(clerk)).send({ scanToken, receiptNo, amountFen: 45_00 })
      await awardThere(await scan(api, warm, clerk), 'RT-E0') // warms that process (rules, store, the till's lease)
      const scanToken = await scan(api, member, clerk)
      const purchase = await roundTrips(() => awardThere(scanToken, 'RT-E1'))
      expect(purchase).toEqual([
        'daily_totals.insertOne',
        'purchases.insertOne',
        'ledger_entries.insertOne',
        'kpi_ledger_facts.insertOne',
        'kpi_purchase_facts.insertOne',
        'purchases.updateOne',
        'staff_audit.insertOne',
      ])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  },
)
