import {
  EMPTY_WALLET,
  applyOperation,
  expiryPreview,
  expiresOnFor,
  pointsExpiringBefore,
  WalletRuleError,
  type WalletOperation,
  type WalletState,
} from '../src'

const credit = (points: number, earnedMonth: string): WalletOperation => ({
  kind: 'credit',
  points,
  earnedMonth,
  expiryMonths: 12,
})
const run = (ops: WalletOperation[], from: WalletState = EMPTY_WALLET) =>
  ops.reduce((s, op) => applyOperation(s, op).state, from)

describe('wallet rules', () => {
  it('expires at the end of the 12th month after the month earned, across year ends', () => {
    expect(expiresOnFor('2026-11', 12)).toBe('2027-11-30')
    expect(expiresOnFor('2025-12', 12)).toBe('2026-12-31')
    expect(expiresOnFor('2027-02', 12)).toBe('2028-02-29') // leap year
    expect(expiresOnFor('2026-01', 1)).toBe('2026-02-28')
  })

  it('spends oldest lots first (FIFO) and keeps the balance equal to the lots', () => {
    const s = run([credit(100, '2025-12'), credit(50, '2026-01'), { kind: 'debit', points: 120 }])
    expect(s.balance).toBe(30)
    expect(s.lots).toEqual([{ earnedMonth: '2026-01', expiresOn: '2027-01-31', remaining: 30 }])
    expect(s.lifetimeSpent).toBe(120)
  })

  it('never overdraws', () => {
    const s = run([credit(10, '2026-01')])
    expect(() => applyOperation(s, { kind: 'debit', points: 11 })).toThrow(WalletRuleError)
  })

  it('expires only what is left of lots past their last day, and only once', () => {
    const s = run([credit(100, '2025-11'), credit(40, '2025-12'), { kind: 'debit', points: 30 }])
    expect(pointsExpiringBefore(s, '2026-12-01')).toBe(70) // 2025-11 lot: 100 − 30 spent
    const { state, delta } = applyOperation(s, { kind: 'expire', asOfDay: '2026-12-01' })
    expect(delta).toBe(-70)
    expect(state.balance).toBe(40)
    expect(applyOperation(state, { kind: 'expire', asOfDay: '2026-12-01' }).delta).toBe(0)
    // still valid on its last day
    expect(applyOperation(state, { kind: 'expire', asOfDay: '2026-12-31' }).delta).toBe(0)
    expect(applyOperation(state, { kind: 'expire', asOfDay: '2027-01-01' }).delta).toBe(-40)
  })

  it('turns a clawback of spent points into debt that blocks spending and is repaid by earning', () => {
    const s = run([credit(100, '2026-01'), { kind: 'debit', points: 80 }, { kind: 'clawback', points: 100 }])
    expect(s.balance).toBe(-80)
    expect(s.debt).toBe(80)
    expect(() => applyOperation(s, { kind: 'debit', points: 1 })).toThrow(/debt/)
    const repaid = run([credit(100, '2026-02')], s)
    expect(repaid).toMatchObject({ balance: 20, debt: 0 })
  })

  it('tracks qualifying spend per month, including reversals', () => {
    let s = applyOperation(EMPTY_WALLET, { kind: 'none' }, { spendFen: { month: '2026-03', amount: 5000 } }).state
    s = applyOperation(s, { kind: 'none' }, { spendFen: { month: '2026-03', amount: -2000 } }).state
    expect(s.spend).toEqual([{ month: '2026-03', amount: 3000 }])
  })

  it('previews expiry per date', () => {
    const s = run([credit(10, '2025-11'), credit(5, '2025-11'), credit(7, '2025-12')])
    expect(expiryPreview(s, '2026-11-30')).toEqual([{ expiresOn: '2026-11-30', points: 15 }])
    expect(expiryPreview(s, '2026-12-31')).toEqual([
      { expiresOn: '2026-11-30', points: 15 },
      { expiresOn: '2026-12-31', points: 7 },
    ])
  })

  it('refuses non-integer and non-positive amounts', () => {
    for (const points of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => applyOperation(EMPTY_WALLET, credit(points, '2026-01'))).toThrow(WalletRuleError)
    }
  })
})
