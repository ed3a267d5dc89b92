import { couponTemplateInput, type CouponTemplateInput, type CouponType } from '@mall/shared'
import { formatInstant, localToInstant, yuanToFen, zheToPermille } from './format'

/** The coupon template form as the operator types it (strings, yuan, 折), and its conversion to the contract. */
export interface CouponForm {
  name: string
  type: CouponType
  threshold: string // 元
  value: string // 元
  discount: string // 折, e.g. 8.5
  maxDiscount: string // 元, empty = no cap
  giftName: string
  parkingHours: string
  unlimited: boolean
  stock: string
  perMemberLimit: string
  claimStart: string // datetime-local, Shanghai time
  claimEnd: string
  validityKind: 'relative' | 'fixed'
  validityDays: string
  validFrom: string
  validTo: string
  eligibleTiers: number[]
  storeIds: string[]
  pricePoints: string
  fundedBy: string
}

export const COUPON_TYPE_OPTIONS: { value: CouponType; label: string }[] = [
  { value: 'cash_off', label: '满减券' },
  { value: 'percent_off', label: '折扣券' },
  { value: 'voucher', label: '代金券' },
  { value: 'gift', label: '礼品券' },
  { value: 'parking', label: '停车券' },
]

export const FIELD_LABELS: Record<string, string> = {
  name: '名称',
  type: '类型',
  thresholdFen: '使用门槛',
  valueFen: '面额',
  discountPermille: '折扣',
  maxDiscountFen: '最高优惠',
  giftName: '礼品名称',
  parkingHours: '停车时长',
  stock: '库存',
  perMemberLimit: '每人限领',
  claimStart: '领取开始时间',
  claimEnd: '领取结束时间',
  validity: '有效期',
  eligibleTiers: '适用等级',
  storeIds: '适用门店',
  pricePoints: '兑换积分',
  fundedBy: '出资方',
}

const toLocalInput = (d: Date) => formatInstant(d.toISOString()).slice(0, 16).replace(' ', 'T')

export function emptyForm(now = new Date()): CouponForm {
  return {
    name: '',
    type: 'cash_off',
    threshold: '',
    value: '',
    discount: '',
    maxDiscount: '',
    giftName: '',
    parkingHours: '',
    unlimited: false,
    stock: '100',
    perMemberLimit: '1',
    claimStart: toLocalInput(now),
    claimEnd: toLocalInput(new Date(now.getTime() + 30 * 86400_000)),
    validityKind: 'relative',
    validityDays: '30',
    validFrom: '',
    validTo: '',
    eligibleTiers: [],
    storeIds: [],
    pricePoints: '0',
    fundedBy: 'mall',
  }
}

export type FieldErrors = Record<string, string>

/** Translates a zod issue into Chinese for the operator (custom refinements included). */
function zhIssue(i: {
  code: string
  path: PropertyKey[]
  message: string
  minimum?: unknown
  maximum?: unknown
  origin?: string
  format?: string
}): string {
  const field = String(i.path[0] ?? '')
  const money = field.endsWith('Fen')
  const num = (v: unknown) => (money ? `${Number(v) / 100} 元` : String(v))
  switch (i.code) {
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? '不能为空' : `至少 ${String(i.minimum)} 个字`
      if (i.origin === 'array') return `至少选择 ${String(i.minimum)} 项`
      return `不能小于 ${num(i.minimum)}`
    case 'too_big':
      if (i.origin === 'string') return `最多 ${String(i.maximum)} 个字`
      if (i.origin === 'array') return `最多 ${String(i.maximum)} 项`
      return `不能大于 ${num(i.maximum)}`
    case 'invalid_type':
      return '必填，或格式不正确'
    case 'invalid_format':
      return i.format === 'datetime' ? '请选择有效的日期时间' : '格式不正确（只能包含字母、数字、_ 和 -）'
    case 'invalid_value':
    case 'invalid_union':
      return '请选择有效的选项'
    case 'custom': {
      const known: Record<string, string> = {
        'claim window ends before it starts': '领取结束时间必须晚于开始时间',
        'validity ends before it starts': '有效期结束时间必须晚于开始时间',
        'value required': '请填写面额（大于 0）',
        'value above threshold': '满减面额不能大于使用门槛，否则账单会变成负数',
        '100..990 (1折..9.9折)': '折扣应在 1 折到 9.9 折之间',
        'gift name required': '请填写礼品名称',
        'hours required': '请填写停车时长（大于 0）',
      }
      return known[i.message] ?? i.message
    }
    default:
      return i.message
  }
}

/**
 * Converts the form to a couponTemplateInput and validates it with the shared contract.
 * Yuan are parsed as decimal strings so "19.9" becomes exactly 1990 fen.
 */
export function buildInput(
  f: CouponForm,
): { ok: true; input: CouponTemplateInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const fen = (key: string, text: string, required: boolean): number => {
    if (!text.trim()) {
      if (required) errors[key] = '必填'
      return 0
    }
    const v = yuanToFen(text)
    if (v === null) errors[key] = '请输入金额（元），最多两位小数'
    return v ?? 0
  }
  const int = (key: string, text: string, fallback: number): number => {
    if (!text.trim()) return fallback
    if (!/^\d+$/.test(text.trim())) {
      errors[key] = '请输入非负整数'
      return fallback
    }
    return Number(text.trim())
  }
  const t = f.type
  const usesThreshold = t === 'cash_off' || t === 'voucher' || t === 'percent_off'
  let discountPermille = 0
  if (t === 'percent_off') {
    const p = zheToPermille(f.discount)
    if (p === null) errors.discountPermille = '请输入折扣，如 8.5（即 8.5 折），最多两位小数'
    discountPermille = p ?? 0
  }
  const candidate = {
    name: f.name.trim(),
    type: t,
    thresholdFen: usesThreshold ? fen('thresholdFen', f.threshold, t === 'cash_off') : 0,
    valueFen: t === 'cash_off' || t === 'voucher' ? fen('valueFen', f.value, true) : 0,
    discountPermille,
    maxDiscountFen: t === 'percent_off' ? fen('maxDiscountFen', f.maxDiscount, false) : 0,
    giftName: t === 'gift' ? f.giftName.trim() : '',
    parkingHours: t === 'parking' ? int('parkingHours', f.parkingHours, 0) : 0,
    stock: f.unlimited ? null : int('stock', f.stock, 0),
    perMemberLimit: int('perMemberLimit', f.perMemberLimit, 1),
    claimStart: localToInstant(f.claimStart),
    claimEnd: localToInstant(f.claimEnd),
    validity:
      f.validityKind === 'relative'
        ? { kind: 'relative' as const, days: int('validity', f.validityDays, 0) }
        : { kind: 'fixed' as const, from: localToInstant(f.validFrom), to: localToInstant(f.validTo) },
    eligibleTiers: [...f.eligibleTiers].sort((a, b) => a - b),
    storeIds: f.storeIds,
    pricePoints: int('pricePoints', f.pricePoints, 0),
    fundedBy: f.fundedBy.trim() || 'mall',
  }
  const parsed = couponTemplateInput.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'form')
      errors[key] ??= zhIssue(issue as Parameters<typeof zhIssue>[0])
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors }
  return { ok: true, input: parsed.data }
}

/** Server-side VALIDATION.FAILED details → field errors (same translation). */
export function serverFieldErrors(details: unknown): FieldErrors {
  const issues = (details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? []
  const out: FieldErrors = {}
  for (const i of issues)
    out[i.path.split('.')[0] || 'form'] ??= zhIssue({ code: 'custom', path: [], message: i.message })
  return out
}
