import {
  shanghaiDateTime,
  shanghaiDay,
  shanghaiHour,
  shanghaiIsoTime,
  shanghaiTimeOfDay,
  shanghaiWeekday,
} from '../src/rules/shanghai-time'

describe('the Shanghai wall clock (UTC+8, whatever the machine zone)', () => {
  const lateSunday = new Date('2026-12-06T15:30:45Z') // 23:30 on Sunday 6 December in Shanghai
  const earlyMonday = new Date('2026-12-06T16:05:00Z') // 00:05 on Monday 7 December

  it('reads day, hour, weekday and time of day across midnight', () => {
    expect([
      shanghaiDay(lateSunday),
      shanghaiHour(lateSunday),
      shanghaiWeekday(lateSunday),
      shanghaiTimeOfDay(lateSunday),
    ]).toEqual(['2026-12-06', 23, 7, '23:30'])
    expect([
      shanghaiDay(earlyMonday),
      shanghaiHour(earlyMonday),
      shanghaiWeekday(earlyMonday),
      shanghaiTimeOfDay(earlyMonday),
    ]).toEqual(['2026-12-07', 0, 1, '00:05'])
  })

  it('formats instants, ISO strings and epoch milliseconds, and nothing for a bad string', () => {
    expect(shanghaiDateTime(lateSunday)).toBe('2026-12-06 23:30')
    expect(shanghaiDateTime('2026-12-06T15:30:45Z', { seconds: true })).toBe('2026-12-06 23:30:45')
    expect(shanghaiDateTime(earlyMonday.getTime())).toBe('2026-12-07 00:05')
    expect(shanghaiDateTime('not a date')).toBe('')
  })

  it('writes RFC 3339 with the +08:00 offset, to the second, on the next day after 16:00 UTC', () => {
    expect(shanghaiIsoTime(new Date('2026-12-06T15:30:45.678Z'))).toBe('2026-12-06T23:30:45+08:00')
    expect(shanghaiIsoTime(earlyMonday)).toBe('2026-12-07T00:05:00+08:00')
  })
})
