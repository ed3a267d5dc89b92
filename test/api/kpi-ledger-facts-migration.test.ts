import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan, withoutMemberDay } from '../support/points-helpers'
import { ledgerFactModel } from '../../server/src/modules/ledger/ledger-facts'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { ledgerFactsBeforeTheDayRows } from '../../server/src/modules/ops/ledger-facts-migration'

/**
 * A ledger from before the dashboard's fact rows: the migration gives every entry its fact, so the
 * first close summarises the past days from them and the liability covers the whole ledger.
 */
let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  await withoutMemberDay(api)
  await api.addStore('FM')
})
afterAll(() => api.stop())

const login = async () => ({
  operator: (await api.loginStaff('fm-operator', 'operator', null)).accessToken,
  manager: (await api.loginStaff('fm-manager', 'manager', 'FM')).accessToken,
})

it('gives each entry posted before the facts its fact row; the dashboard then counts the past days', async () => {
  api.clock.runFrom('2026-06-01T04:00:00Z')
  for (const [i, day] of ['2026-06-01', '2026-06-02', '2026-06-03'].entries()) {
    api.clock.runFrom(`${day}T04:00:00Z`)
    const { manager } = await login()
    const member = await api.loginMember(`fm-member-${i}`)
    const res = await award(api, manager, {
      scanToken: await scan(api, member, manager),
      receiptNo: `FM-${i}`,
      amountFen: (i + 1) * 100_00,
    })
    expect(res.status).toBe(200)
  }
  // as a ledger written before the facts existed
  await ledgerFactModel(api.conn).deleteMany({}).exec()
  const entries = await ledgerModels(api.conn).Entry.countDocuments().exec()

  await ledgerFactsBeforeTheDayRows(api.conn)
  expect(await ledgerFactModel(api.conn).countDocuments().exec()).toBe(entries)
  await ledgerFactsBeforeTheDayRows(api.conn) // a rerun keeps what is there
  expect(await ledgerFactModel(api.conn).countDocuments().exec()).toBe(entries)

  api.clock.runFrom('2026-06-04T04:00:00Z')
  const { operator } = await login()
  const res = await api.http.get('/api/ops/kpis?from=2026-06-01&to=2026-06-04').set(bearer(operator))
  const value = (key: string) =>
    (res.body.metrics as { key: string; value: number }[]).find((m) => m.key === key)!.value
  const all = await ledgerModels(api.conn).Entry.find({}).lean().exec()
  expect(value('points_issued')).toBe(all.filter((e) => e.delta > 0).reduce((s, e) => s + e.delta, 0))
  expect(value('liability')).toBe(all.reduce((s, e) => s + e.delta, 0))
  expect(value('active_7d')).toBe(3)
})
