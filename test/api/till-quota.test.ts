import type { Connection } from 'mongoose'
import { dailyTotalModel, type DailyTotalDoc } from '../../server/src/modules/points/purchase.model'
import { TillQuota } from '../../server/src/modules/points/till-quota'
import { ownDatabase } from '../support/own-database'

/**
 * The tills' award caps in leases (server/src/modules/points/till-quota.ts), against the embedded
 * database: several processes (one TillQuota each) awarding for one till at once never pass a cap,
 * a lease's rest is given back when the hour changes, and a lease that would pass a cap is not written.
 */
let conn: Connection
const caps = { dailyCapFen: 1_000_00, hourlyCapFen: 400_00 }

const database = ownDatabase()
beforeAll(() => {
  conn = database()
})

/** The till's lease rows of a day, oldest first. */
const leases = async (dayKey: string) =>
  (await dailyTotalModel(conn).find({}).lean<DailyTotalDoc[]>().exec())
    .filter((r) => r._id.startsWith(`${dayKey}:L`))
    .sort((a, b) => a.count - b.count)
/** The newest lease row: what the till's leases took so far, in the day and per hour. */
const row = async (dayKey: string) => (await leases(dayKey)).at(-1) ?? null

it('never lets concurrent awards of one till from several processes pass the hourly cap', async () => {
  const processes = [
    new TillQuota(dailyTotalModel(conn)),
    new TillQuota(dailyTotalModel(conn)),
    new TillQuota(dailyTotalModel(conn)),
  ]
  const amounts = Array.from({ length: 90 }, (_, i) => 3_00 + ((i * 37) % 11) * 1_00)
  const granted = await Promise.all(
    amounts.map((amount, i) =>
      processes[i % 3]!.take('till-a', 'till-a:d1', 'h10', amount, caps).then((ok) => (ok ? amount : 0)),
    ),
  )
  const awarded = granted.reduce((a, b) => a + b, 0)
  expect(awarded).toBeLessThanOrEqual(caps.hourlyCapFen)
  // Every fen awarded was leased first; what is leased beyond it is held in leases (at most a
  // twentieth of the smaller cap per process), so the till got close to its cap.
  const counted = (await row('till-a:d1'))!
  expect(counted.hours!.h10).toBeGreaterThanOrEqual(awarded)
  expect(counted.hours!.h10).toBeLessThanOrEqual(caps.hourlyCapFen)
  expect(awarded).toBeGreaterThan(caps.hourlyCapFen - 3 * (caps.hourlyCapFen / 20) - 14_00)
})

it('gives a lease’s rest back when the hour changes, and counts an hour exactly', async () => {
  const quota = new TillQuota(dailyTotalModel(conn))
  expect(await quota.take('till-b', 'till-b:d1', 'h10', 3_00, caps)).toBe(true) // leases 20.00 (a twentieth of 400.00)
  expect(await quota.take('till-b', 'till-b:d1', 'h10', 4_00, caps)).toBe(true) // from the lease
  expect(await leases('till-b:d1')).toMatchObject([{ amountFen: 20_00, count: 1, hours: { h10: 20_00 } }])
  expect(await quota.take('till-b', 'till-b:d1', 'h11', 5_00, caps)).toBe(true)
  // 10:00–11:00 counts the 7.00 awarded; the day counts those and the new lease.
  expect(await row('till-b:d1')).toMatchObject({ amountFen: 7_00 + 20_00, count: 2, hours: { h10: 7_00, h11: 20_00 } })
})

it('leases about twenty receipts at a time when the caps are far away: a crash strands little', async () => {
  const quota = new TillQuota(dailyTotalModel(conn))
  expect(await quota.take('till-f', 'till-f:d1', 'h10', 1_23, { dailyCapFen: 1e12, hourlyCapFen: 1e12 })).toBe(true)
  expect(await leases('till-f:d1')).toMatchObject([{ amountFen: 20 * 1_23, hours: { h10: 20 * 1_23 } }])
})

it('refuses what would pass a cap and leaves the row as it was; a smaller receipt still fits', async () => {
  const quota = new TillQuota(dailyTotalModel(conn))
  // larger than a twentieth: leased exactly
  expect(await quota.take('till-c', 'till-c:d1', 'h10', 395_00, caps)).toBe(true)
  const before = await leases('till-c:d1')
  expect(await quota.take('till-c', 'till-c:d1', 'h10', 6_00, caps)).toBe(false)
  expect(await leases('till-c:d1')).toEqual(before)
  // A lease of a twentieth (20.00) no longer fits, the receipt's 5.00 does: the hour is then full.
  expect(await quota.take('till-c', 'till-c:d1', 'h10', 5_00, caps)).toBe(true)
  expect(await row('till-c:d1')).toMatchObject({ amountFen: 400_00, hours: { h10: 400_00 } })
  expect(await quota.take('till-c', 'till-c:d1', 'h10', 1, caps)).toBe(false)
  // A fresh till's refused lease leaves no row behind.
  expect(await new TillQuota(dailyTotalModel(conn)).take('till-d', 'till-d:d1', 'h10', 401_00, caps)).toBe(false)
  expect(await leases('till-d:d1')).toEqual([])
})

it('gives a refused receipt’s amount back to the lease it was taken from', async () => {
  const quota = new TillQuota(dailyTotalModel(conn))
  expect(await quota.take('till-e', 'till-e:d1', 'h10', 390_00, caps)).toBe(true)
  expect(await quota.take('till-e', 'till-e:d1', 'h10', 10_00, caps)).toBe(true) // the hour is full
  quota.giveBack('till-e', 'till-e:d1', 'h10', 10_00) // that receipt was refused after all
  expect(await quota.take('till-e', 'till-e:d1', 'h10', 10_00, caps)).toBe(true)
  expect(await quota.take('till-e', 'till-e:d1', 'h10', 1, caps)).toBe(false)
  expect((await row('till-e:d1'))!.hours!.h10).toBe(400_00)
})
