import type { WalletEntry } from '@mall/shared'
import {
  deltaTone,
  formatChineseDate,
  formatDelta,
  formatMultiplier,
  formatShanghaiDateTime,
  formatYuan,
} from '../src/lib/points-format'
import { clockSkewMs, serverNow } from '../src/lib/server-clock'
import { mergeEntryPages } from '../src/lib/wallet-history'
import { assertTierDefinition, tierInfoResponse } from '../src/services/points'
import { DEFAULT_TIERS } from '@mall/shared'

jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock())

describe('Shanghai dates', () => {
  it('renders server calendar days in Chinese without leading zeros', () => {
    expect(formatChineseDate('2025-03-31')).toBe('2025年3月31日')
    expect(formatChineseDate('2026-12-01')).toBe('2026年12月1日')
    expect(formatChineseDate('not-a-day')).toBe('not-a-day')
  })

  it('shows instants on the Shanghai wall clock, across the UTC day boundary', () => {
    expect(formatShanghaiDateTime('2025-01-05T06:03:09.000Z')).toBe('2025-01-05 14:03')
    // 16:30 UTC on New Year's Eve is already 00:30 on 1 January in Shanghai.
    expect(formatShanghaiDateTime('2024-12-31T16:30:00Z')).toBe('2025-01-01 00:30')
    expect(formatShanghaiDateTime('2025-06-30T23:59:00+08:00')).toBe('2025-06-30 23:59')
    expect(formatShanghaiDateTime('garbage')).toBe('')
  })
})

describe('points and money', () => {
  it('signs deltas and picks their colour', () => {
    expect(formatDelta(120)).toBe('+120')
    expect(formatDelta(12000)).toBe('+12,000')
    expect(formatDelta(-50)).toBe('-50')
    expect(formatDelta(0)).toBe('0')
    expect([deltaTone(5), deltaTone(-5), deltaTone(0)]).toEqual(['gain', 'loss', 'none'])
  })

  it('formats fen as yuan with integer maths', () => {
    expect(formatYuan(12850)).toBe('128.50')
    expect(formatYuan(5)).toBe('0.05')
    expect(formatYuan(123456789)).toBe('1,234,567.89')
    expect(formatYuan(-990)).toBe('-9.90')
  })

  it('formats per-mille multipliers', () => {
    expect(formatMultiplier(1000)).toBe('1×')
    expect(formatMultiplier(1200)).toBe('1.2×')
    expect(formatMultiplier(1250)).toBe('1.25×')
    expect(formatMultiplier(2000)).toBe('2×')
  })
})

describe('server clock', () => {
  it('applies the observed skew to later local readings', () => {
    const skew = clockSkewMs('2025-01-31T16:00:00Z', Date.parse('2025-01-31T15:00:00Z'))
    expect(skew).toBe(3600_000)
    expect(serverNow(skew, Date.parse('2025-01-31T15:00:05Z')).toISOString()).toBe('2025-01-31T16:00:05.000Z')
    expect(clockSkewMs('nonsense', 123)).toBe(0)
  })
})

describe('mergeEntryPages', () => {
  const entry = (seq: number): WalletEntry => ({
    seq,
    type: 'earn',
    title: '消费积分',
    delta: 10,
    balanceAfter: seq * 10,
    createdAt: '2025-01-01T00:00:00Z',
    storeName: null,
    receiptNo: null,
    amountFen: null,
  })

  it('appends older pages newest first and drops duplicates from racing fetches', () => {
    const first = [entry(9), entry(8), entry(7)]
    expect(mergeEntryPages(first, [entry(6), entry(5)]).map((e) => e.seq)).toEqual([9, 8, 7, 6, 5])
    expect(mergeEntryPages(first, [entry(7), entry(6)]).map((e) => e.seq)).toEqual([9, 8, 7, 6])
    expect(mergeEntryPages(first, [entry(8)])).toBe(first)
  })
})

describe('tier response validation', () => {
  const body = {
    tierLevel: 2,
    spend: [{ month: '2025-01', amount: 350000 }],
    growthBonus: [],
    tiers: DEFAULT_TIERS,
    serverTime: '2025-01-15T00:00:00Z',
  }

  it('accepts the server shape and narrows tiers', () => {
    expect(tierInfoResponse.parse(body).tiers[1]?.name).toBe('银卡会员')
  })

  it('rejects malformed or missing tier definitions', () => {
    expect(() => assertTierDefinition({ ...DEFAULT_TIERS[0], benefits: { perks: [] } })).toThrow()
    expect(() => tierInfoResponse.parse({ ...body, tiers: [] })).toThrow()
    expect(() => tierInfoResponse.parse({ ...body, tiers: [{ level: 1 }] })).toThrow()
  })
})
