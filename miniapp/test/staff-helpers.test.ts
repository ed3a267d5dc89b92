import {
  MAX_AMOUNT_FEN,
  awardHeadline,
  canUndo,
  couponReasonText,
  lockoutText,
  nextUndoDeadline,
  parseReceiptNo,
  parseScanCode,
  parseYuanToFen,
  staffTiles,
  statusText,
} from '../src/staff/lib/staff-format'

const fen = (input: string) => {
  const r = parseYuanToFen(input)
  return r.ok ? r.value : r.message
}

describe('parseYuanToFen', () => {
  it.each([
    ['128.50', 12850],
    ['128.5', 12850],
    ['128', 12800],
    ['128.', 12800],
    ['0.01', 1],
    ['.5', 50],
    ['0.1', 10],
    ['0.29', 29], // 0.29 * 100 = 28.999999999999996 in floats
    ['1.15', 115], // 1.15 * 100 = 114.99999999999999
    ['4.35', 435],
    ['19.99', 1999],
    ['  88.80 ', 8880],
    ['¥12.30', 1230],
    ['￥ 7', 700],
    ['007.50', 750],
    ['100000000', MAX_AMOUNT_FEN],
  ])('%p -> %p fen', (input, expected) => {
    expect(fen(input)).toBe(expected)
  })

  it('matches exact decimal arithmetic for every cent value up to 100 元', () => {
    const wrong: string[] = []
    for (let cents = 1; cents <= 10_000; cents++) {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
      const r = parseYuanToFen(text)
      if (!r.ok || r.value !== cents) wrong.push(text)
    }
    expect(wrong).toEqual([])
  })

  it.each([
    ['', '请输入消费金额'],
    ['   ', '请输入消费金额'],
    ['.', '金额格式不正确，请输入数字，如 128.50'],
    ['abc', '金额格式不正确，请输入数字，如 128.50'],
    ['-5', '金额格式不正确，请输入数字，如 128.50'],
    ['+5', '金额格式不正确，请输入数字，如 128.50'],
    ['1e3', '金额格式不正确，请输入数字，如 128.50'],
    ['1,000', '金额格式不正确，请输入数字，如 128.50'],
    ['1.2.3', '金额格式不正确，请输入数字，如 128.50'],
    ['１２', '金额格式不正确，请输入数字，如 128.50'],
    ['12.345', '金额最多保留两位小数'],
    ['0.001', '金额最多保留两位小数'],
    ['0', '金额需大于 0'],
    ['0.00', '金额需大于 0'],
    ['100000000.01', '金额超过上限'],
    ['99999999999999999999', '金额超过上限'],
  ])('rejects %p', (input, message) => {
    expect(parseYuanToFen(input)).toEqual({ ok: false, message })
  })
})

describe('input parsing', () => {
  it('validates receipt numbers like the server', () => {
    expect(parseReceiptNo(' R-2025_001 ')).toEqual({ ok: true, value: 'R-2025_001' })
    expect(parseReceiptNo('')).toMatchObject({ ok: false, message: '请输入小票号' })
    expect(parseReceiptNo('R 1')).toMatchObject({ ok: false })
    expect(parseReceiptNo('小票1')).toMatchObject({ ok: false })
    expect(parseReceiptNo('A'.repeat(41))).toMatchObject({ ok: false })
    expect(parseReceiptNo('A'.repeat(40))).toMatchObject({ ok: true })
  })

  it('strips the digit grouping from typed codes', () => {
    expect(parseScanCode('1234 5678 9012', '会员码')).toEqual({ ok: true, value: '123456789012' })
    expect(parseScanCode('  ', '券码')).toEqual({ ok: false, message: '请输入券码' })
    expect(parseScanCode('码', '券码')).toEqual({ ok: false, message: '券码格式不正确' })
    expect(parseScanCode('1'.repeat(65), '会员码')).toMatchObject({ ok: false })
  })
})

describe('copy', () => {
  it('formats lockouts from Retry-After', () => {
    expect(lockoutText(900)).toBe('账号已被临时锁定，请 15 分钟后再试')
    expect(lockoutText(61)).toBe('账号已被临时锁定，请 2 分钟后再试')
    expect(lockoutText(30)).toBe('账号已被临时锁定，请 30 秒后再试')
    expect(lockoutText(undefined)).toBe('账号已被临时锁定，请稍后再试')
  })

  it('names statuses, coupon reasons and award outcomes in Chinese', () => {
    expect(statusText('posted')).toBe('已入账')
    expect(statusText('reversed')).toBe('已撤销')
    expect(couponReasonText('ALREADY_REDEEMED')).toBe('该券已核销')
    expect(couponReasonText('wrong_store')).toBe('该券不能在本店使用')
    expect(couponReasonText('expired')).toBe('该券已过期')
    expect(couponReasonText('something_new')).toBe('该券当前不可核销')
    expect(couponReasonText(null)).toBe('该券当前不可核销')
    expect(awardHeadline({ status: 'pending_approval' })).toBe('已提交店长审批')
    expect(awardHeadline({ status: 'posted' })).toBe('积分已发放')
    // a receipt scanned again: the till says it was handled before, not a second "积分已发放"
    const repeat = { action: 'award' as const, by: 'clerk1', at: '2026-12-05T02:00:00.000Z' }
    expect(awardHeadline({ status: 'posted', repeat })).toBe('该小票已入账，未重复发放')
    expect(awardHeadline({ status: 'pending_approval', repeat })).toBe('该小票已提交过审批')
  })

  it('offers manager tiles to managers only', () => {
    expect(staffTiles('clerk')).toEqual(['award', 'redeem', 'today', 'pickup'])
    expect(staffTiles('manager')).toEqual(['award', 'redeem', 'today', 'approvals', 'daily', 'pickup'])
    expect(staffTiles('operator')).toEqual(['redeem', 'claims'])
    // the service desk (no store, or store DESK) and operators also review receipt photos; a store's staff do not
    expect(staffTiles('clerk', null)).toEqual(['award', 'redeem', 'today', 'pickup', 'receipts'])
    expect(staffTiles('manager', 'DESK')).toContain('receipts')
    expect(staffTiles('clerk', 'S001')).not.toContain('receipts')
    expect(staffTiles('operator', null)).toEqual(['redeem', 'receipts', 'claims'])
    // 积分补登 claims: the desk's own store and operators, as the server decides (no store is not enough)
    expect(staffTiles('clerk', 'DESK')).toEqual(['award', 'redeem', 'today', 'pickup', 'receipts', 'claims'])
    expect(staffTiles('clerk', null)).not.toContain('claims')
    expect(staffTiles('manager', 'S001')).not.toContain('claims')
  })
})

describe('undo window', () => {
  const at = (iso: string | null) => ({ undoableUntil: iso })
  const now = Date.parse('2025-01-05T06:00:00Z')

  it('is open strictly before undoableUntil', () => {
    expect(canUndo(at('2025-01-05T06:00:01Z'), now)).toBe(true)
    expect(canUndo(at('2025-01-05T06:00:00Z'), now)).toBe(false)
    expect(canUndo(at(null), now)).toBe(false)
    expect(canUndo(at('garbage'), now)).toBe(false)
  })

  it('finds the next deadline to re-render at', () => {
    const ops = [at('2025-01-05T06:05:00Z'), at(null), at('2025-01-05T06:02:00Z'), at('2025-01-05T05:00:00Z')]
    expect(nextUndoDeadline(ops, now)).toBe(Date.parse('2025-01-05T06:02:00Z'))
    expect(nextUndoDeadline([at(null)], now)).toBeNull()
  })
})
