import { notificationFresh, parseWechatTime, refundPoints, refundSpendFen, syncRetryAt, wechatTime } from '../src'

describe('WeChat Pay 智慧商圈 rules', () => {
  const now = new Date('2026-11-20T04:00:00Z')
  const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000))

  it('accepts a notification signed within five minutes either way, nothing else', () => {
    expect(notificationFresh(seconds(now), now)).toBe(true)
    expect(notificationFresh(seconds(new Date(now.getTime() - 300_000)), now)).toBe(true)
    expect(notificationFresh(seconds(new Date(now.getTime() - 301_000)), now)).toBe(false)
    expect(notificationFresh(seconds(new Date(now.getTime() + 301_000)), now)).toBe(false)
    for (const bad of ['', 'abc', '1e9', '-1', ' 1763611200', '12345678901234'])
      expect(notificationFresh(bad, now)).toBe(false)
  })

  it('takes back the refunded share of the points, rounded down, never more than earned', () => {
    expect(refundPoints(100, 10_000, 3_333)).toBe(33)
    expect(refundPoints(100, 10_000, 6_667)).toBe(66)
    expect(refundPoints(100, 10_000, 10_000)).toBe(100)
    expect(refundPoints(100, 10_000, 99_999)).toBe(100)
    expect(refundPoints(0, 10_000, 5_000)).toBe(0)
    expect(refundPoints(100, 0, 5_000)).toBe(0)
    // any split of a payment into refunds sums to at most what it earned
    const parts = [1, 2_499, 2_500, 5_000]
    expect(parts.reduce((sum, p) => sum + refundPoints(123, 10_000, p), 0)).toBeLessThanOrEqual(123)
    expect(refundSpendFen(10_000, 12_000)).toBe(10_000)
  })

  it('retries the points sync after 15 s, doubling, at most an hour apart', () => {
    const waits = [1, 2, 3, 4, 8, 20].map((n) => (syncRetryAt(n, now).getTime() - now.getTime()) / 1000)
    expect(waits).toEqual([15, 30, 60, 120, 1920, 3600])
  })

  it("reads and writes WeChat's RFC 3339 times (Shanghai)", () => {
    expect(wechatTime(now)).toBe('2026-11-20T12:00:00+08:00')
    expect(parseWechatTime('2026-11-20T12:00:00+08:00')).toEqual(now)
    expect(parseWechatTime('2026-11-20 12:00:00')).toBeNull()
    expect(parseWechatTime(12)).toBeNull()
  })
})
