import { addDays, shanghaiDay, shanghaiWeekday, startOfShanghaiDay } from '@mall/shared'
import { WeightedTable } from './prng'

/**
 * The demo year's days and how busy each one is in a mall: weekends well above weekdays, the Spring
 * Festival, May Day, 618, the National Day week, Double 11 and Christmas/New Year above the quiet
 * months (March, September), and a member day on the 18th.
 */
const WEEKDAY = [0.8, 0.78, 0.82, 0.9, 1.12, 1.65, 1.55] // Monday first (ISO weekday 1-7 of the Shanghai day)
const MONTH = [1.2, 1.15, 0.82, 0.9, 1.05, 1.08, 0.95, 1.0, 0.88, 1.12, 1.05, 1.28] // January first

function special(day: string): number {
  const md = day.slice(5)
  if (md >= '10-01' && md <= '10-07') return 1.7 // 国庆
  if (md >= '05-01' && md <= '05-05') return 1.45 // 五一
  if (md >= '06-16' && md <= '06-18') return 1.35 // 618
  if (md >= '11-09' && md <= '11-11') return 1.3 // 双11
  if (md >= '12-23' && md <= '12-31') return 1.4 // 圣诞、跨年
  if (md.endsWith('-18')) return 1.25 // 会员日
  return 1
}

export interface DemoCalendar {
  days: string[]
  /** Shanghai midnight of each day */
  starts: Date[]
  table: WeightedTable
  /** the demo's now: the last day is today, and nothing in it happens at or after this */
  now: Date
}

/** The share of a mall day's trade (10:00–22:00, by HOUR_WEIGHTS) done by `now` on its Shanghai day. */
export function tradeDoneBy(now: Date): number {
  const hours = (now.getTime() - startOfShanghaiDay(shanghaiDay(now)).getTime()) / 3600_000 - 10
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0)
  let done = 0
  for (let h = 0; h < HOUR_WEIGHTS.length; h++) done += HOUR_WEIGHTS[h]! * Math.min(1, Math.max(0, hours - h))
  return done / total
}

/**
 * `months` months of days ending today. Today weighs only the share of its trade done by `now`, and the
 * planners drop what would happen at or after `now`: the dashboard's last day is today so far, not a drop
 * to zero.
 */
export function demoCalendar(now: Date, months: number): DemoCalendar {
  const last = shanghaiDay(now)
  const first = addDays(last, -Math.round(months * 30.44) + 1)
  const days: string[] = []
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d)
  const starts = days.map((d) => startOfShanghaiDay(d))
  const weights = days.map(
    (d, i) =>
      WEEKDAY[shanghaiWeekday(starts[i]!) - 1]! *
      MONTH[Number(d.slice(5, 7)) - 1]! *
      special(d) *
      (d === last ? tradeDoneBy(now) : 1),
  )
  return { days, starts, table: new WeightedTable(weights), now }
}

/** Minutes after opening a purchase happens at: lunch and evening peaks (10:00–22:00). */
export const HOUR_WEIGHTS = [0.5, 0.8, 1.6, 1.4, 0.9, 0.9, 1.0, 1.1, 1.6, 1.8, 1.4, 0.7] // 10:00 … 21:00
