import { ERROR_MESSAGES_ZH, receiptNo as receiptNoSchema, type PurchaseResult, type StaffOperation } from '@mall/shared'

/**
 * Pure rules for the staff pages (input parsing, status copy, undo windows), unit-tested without
 * Taro. Money is parsed as text into integer fen: never through a float.
 */

/** The shared `fen` contract's upper bound (1 亿元); the server applies its own business cap too. */
export const MAX_AMOUNT_FEN = 100_000_000_00

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string }

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message })

/**
 * '128.5' -> 12850 fen. Accepts digits with at most two decimals ('12', '12.', '12.3', '.5',
 * '0.01'), an optional leading ¥ and surrounding spaces; rejects signs, exponents, separators,
 * a third decimal (no silent rounding of money), zero and amounts over the cap.
 */
export function parseYuanToFen(input: string): ParseResult<number> {
  const text = input.trim().replace(/^[¥￥]\s*/, '')
  if (!text) return fail('请输入消费金额')
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text)
  if (!m || (m[1] === '' && !m[2])) return fail('金额格式不正确，请输入数字，如 128.50')
  const decimals = m[2] ?? ''
  if (decimals.length > 2) return fail('金额最多保留两位小数')
  const whole = m[1]!.replace(/^0+(?=\d)/, '')
  // 10 digits of yuan already exceed the cap; checking length first keeps the maths exact.
  if (whole.length > 10) return fail('金额超过上限')
  const fen = Number(whole || '0') * 100 + Number(decimals.padEnd(2, '0'))
  if (fen <= 0) return fail('金额需大于 0')
  if (fen > MAX_AMOUNT_FEN) return fail('金额超过上限')
  return { ok: true, value: fen }
}

/** Receipt numbers as the server accepts them (letters, digits, - and _, at most 40). */
export function parseReceiptNo(input: string): ParseResult<string> {
  const text = input.trim()
  if (!text) return fail('请输入小票号')
  if (!receiptNoSchema.safeParse(text).success) return fail('小票号只能包含字母、数字、- 和 _，最多 40 位')
  return { ok: true, value: text }
}

/** A member or coupon code typed from the customer's screen: spaces (digit groups) removed. */
export function parseScanCode(input: string, what: '会员码' | '券码' | '提货码'): ParseResult<string> {
  const text = input.replace(/\s+/g, '')
  if (!text) return fail(`请输入${what}`)
  if (text.length > 64 || !/^[\x21-\x7e]+$/.test(text)) return fail(`${what}格式不正确`)
  return { ok: true, value: text }
}

/** '账号已被临时锁定，请 15 分钟后再试' from a Retry-After in seconds. */
export function lockoutText(retryAfterSeconds: number | undefined): string {
  if (!retryAfterSeconds || retryAfterSeconds <= 0) return ERROR_MESSAGES_ZH['AUTH.LOCKED']
  const wait =
    retryAfterSeconds < 60 ? `${Math.ceil(retryAfterSeconds)} 秒` : `${Math.ceil(retryAfterSeconds / 60)} 分钟`
  return `账号已被临时锁定，请 ${wait}后再试`
}

const PURCHASE_STATUS: Record<string, string> = {
  posted: '已入账',
  posting: '处理中',
  pending_approval: '待店长审批',
  rejected: '已拒绝',
  reversed: '已撤销',
  redeemed: '已核销',
  undone: '已撤销',
}

export function statusText(status: PurchaseResult['status'] | string): string {
  return PURCHASE_STATUS[status] ?? status
}

const COUPON_REASONS: Record<string, string> = {
  ALREADY_REDEEMED: ERROR_MESSAGES_ZH['COUPON.ALREADY_REDEEMED'],
  expired: ERROR_MESSAGES_ZH['COUPON.EXPIRED'],
  not_yet_valid: ERROR_MESSAGES_ZH['COUPON.NOT_YET_VALID'],
  wrong_store: ERROR_MESSAGES_ZH['COUPON.WRONG_STORE'],
}

/** Why a previewed coupon cannot be redeemed; an unknown reason (newer server) still reads as unusable. */
export function couponReasonText(reason: string | null): string {
  return (reason && COUPON_REASONS[reason]) || '该券当前不可核销'
}

const FLAGS: Record<string, string> = {
  repeat_member: '同一会员多次消费',
  round_amount: '整额消费',
  outside_opening_hours: '非营业时间',
}

export function flagText(flag: string): string {
  return FLAGS[flag] ?? flag
}

/** Undo is offered while the server's window is open (the server re-checks on the undo call). */
export function canUndo(op: Pick<StaffOperation, 'undoableUntil'>, nowMs: number): boolean {
  if (!op.undoableUntil) return false
  const until = Date.parse(op.undoableUntil)
  return Number.isFinite(until) && nowMs < until
}

/** Earliest future undo deadline, so the list can re-render when a button should disappear. */
export function nextUndoDeadline(
  ops: ReadonlyArray<Pick<StaffOperation, 'undoableUntil'>>,
  nowMs: number,
): number | null {
  let next: number | null = null
  for (const op of ops) {
    const until = op.undoableUntil ? Date.parse(op.undoableUntil) : NaN
    if (Number.isFinite(until) && until > nowMs && (next === null || until < next)) next = until
  }
  return next
}

/** Success copy for the award result screen. */
export function awardHeadline(result: Pick<PurchaseResult, 'status' | 'repeat'>): string {
  // A receipt scanned again answers with what the first scan did: say so instead of a second "已发放".
  if (result.repeat)
    return result.status === 'pending_approval'
      ? '该小票已提交过审批'
      : `该小票${statusText(result.status)}，未重复发放`
  if (result.status === 'pending_approval') return '已提交店长审批'
  if (result.status === 'posted') return '积分已发放'
  return statusText(result.status)
}

export type StaffTile = 'award' | 'redeem' | 'today' | 'approvals' | 'daily' | 'pickup' | 'receipts' | 'claims'

/**
 * What the 工作台 offers each role: store staff award and redeem at their store; managers also
 * approve and read the store day. Operators (no store) only preview coupons from here.
 */
export function staffTiles(role: 'clerk' | 'manager' | 'operator', storeId?: string | null): StaffTile[] {
  // The service desk (no store, or the desk's own store) and operators review receipt photos; the desk's
  // own store and operators decide 积分补登 claims (the server's rule, modules/points-claims).
  const desk: StaffTile[] = [
    ...(storeId === null || storeId === DESK_STORE_ID ? (['receipts'] as const) : []),
    ...(storeId === DESK_STORE_ID || role === 'operator' ? (['claims'] as const) : []),
  ]
  if (role === 'manager') return ['award', 'redeem', 'today', 'approvals', 'daily', 'pickup', ...desk]
  if (role === 'clerk') return ['award', 'redeem', 'today', 'pickup', ...desk]
  return ['redeem', ...desk]
}

/** The service desk's store (seeded as 商场服务台). */
export const DESK_STORE_ID = 'DESK'
