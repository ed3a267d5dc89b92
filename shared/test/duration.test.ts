import { durationInWords } from '../src/rules/duration'

it('says minutes below an hour, hours and minutes below a day, days and hours from a day on', () => {
  expect([0, 45, 59.6].map(durationInWords)).toEqual(['0 分钟', '45 分钟', '1 小时'])
  expect([60, 320, 24 * 60 - 1].map(durationInWords)).toEqual(['1 小时', '5 小时 20 分钟', '23 小时 59 分钟'])
  expect([24 * 60, 37646, 3 * 24 * 60 + 59].map(durationInWords)).toEqual(['1 天', '26 天 3 小时', '3 天'])
})
