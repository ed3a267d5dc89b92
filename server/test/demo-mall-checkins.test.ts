import { demoCalendar } from '../src/seed/mall/calendar'
import { planMembers } from '../src/seed/mall/plan'
import { Prng } from '../src/seed/mall/prng'
import { mallStores } from '../src/seed/mall/stores'

/**
 * The dashboard's 每日签到人数 over its default 30 days shows check-ins on every day, taken up gradually
 * (a feature members adopt over weeks), not a month of zeros and then a step to a hundred a day.
 */
it('plans check-ins on every day of the last 30, growing instead of starting at once', () => {
  const rng = new Prng(20_261_206)
  const stores = mallStores(rng, 100)
  const cal = demoCalendar(new Date('2026-12-06T04:00:00Z'), 12)
  const members = planMembers(rng, 3_000, cal, stores)
  const n = cal.days.length
  const perDay = Array.from({ length: 30 }, (_, i) =>
    members.reduce((sum, m) => sum + (m.checkinDays.includes(n - 30 + i) ? 1 : 0), 0),
  )
  expect(Math.min(...perDay)).toBeGreaterThan(10)
  const firstWeek = perDay.slice(0, 7).reduce((a, b) => a + b, 0) / 7
  const lastWeek = perDay.slice(-8, -1).reduce((a, b) => a + b, 0) / 7
  expect(lastWeek).toBeGreaterThan(firstWeek * 1.2) // still growing
  expect(lastWeek).toBeLessThan(firstWeek * 4) // no step from nothing
})
