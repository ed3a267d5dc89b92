import {
  FULFILMENTS,
  GIFT_KINDS,
  giftInput,
  giftUpdate,
  type Fulfilment,
  type GiftConfigView,
  type GiftImage,
  type GiftKind,
} from '@mall/shared'
import { formatInstant, localToInstant, yuanToFen } from './format'

/** The gift form as the operator types it (strings, yuan, Shanghai datetime-local), and its conversion. */
export interface GiftForm {
  name: string
  kind: GiftKind
  category: string
  description: string
  images: GiftImage[]
  pricePoints: string
  cash: string // 元, empty = none
  unlimited: boolean
  stock: string
  perMemberLimit: string
  eligibleTiers: number[]
  availableFrom: string // datetime-local, empty = open now
  availableTo: string // empty = no end (a 限时兑换 has one)
  sort: string
  fulfilment: Fulfilment[]
  pickupDays: string
  refundOnExpiry: boolean
  active: boolean
  note: string
}

export const KIND_OPTIONS: { value: GiftKind; label: string }[] = [
  { value: GIFT_KINDS[0], label: '实物礼品' },
  { value: GIFT_KINDS[1], label: '服务券（洗车、咖啡等）' },
  { value: GIFT_KINDS[2], label: '体验' },
]
export const FULFILMENT_OPTIONS: { value: Fulfilment; label: string }[] = [
  { value: FULFILMENTS[0], label: '服务台自提' },
  { value: FULFILMENTS[1], label: '快递到家' },
]

export const GIFT_LABELS: Record<string, string> = {
  name: '礼品名称',
  kind: '类型',
  category: '分类',
  description: '描述',
  imageIds: '图片',
  pricePoints: '积分价格',
  cashFen: '现金部分',
  stock: '库存',
  perMemberLimit: '每人限兑',
  eligibleTiers: '可兑换等级',
  availableFrom: '开始时间',
  availableTo: '截止时间',
  sort: '排序',
  fulfilment: '领取方式',
  pickupDays: '自提有效天数',
  note: '修改说明',
}
export const GIFT_HINTS: Record<string, string> = {
  name: '1–40 个字',
  category: '1–12 个字，如 餐饮、生活服务',
  pricePoints: '1 以上的整数',
  cashFen: '金额，最多两位小数；仅展示，暂不收现金',
  stock: '1 以上的整数，或勾选不限量',
  perMemberLimit: '1–100',
  availableTo: '须晚于开始时间',
  fulfilment: '至少选一种',
  pickupDays: '1–90 天',
  sort: '0–9999，小的在前',
}

const toLocalInput = (iso: string | null) => (iso ? formatInstant(iso).slice(0, 16).replace(' ', 'T') : '')

export const emptyGiftForm = (): GiftForm => ({
  name: '',
  kind: 'voucher',
  category: '',
  description: '',
  images: [],
  pricePoints: '',
  cash: '',
  unlimited: false,
  stock: '100',
  perMemberLimit: '1',
  eligibleTiers: [],
  availableFrom: '',
  availableTo: '',
  sort: '0',
  fulfilment: ['pickup'],
  pickupDays: '14',
  refundOnExpiry: true,
  active: true,
  note: '',
})

export const fromGift = (g: GiftConfigView): GiftForm => ({
  name: g.name,
  kind: g.kind,
  category: g.category,
  description: g.description,
  images: g.images,
  pricePoints: String(g.pricePoints),
  cash: g.cashFen > 0 ? String(g.cashFen / 100) : '',
  unlimited: g.stock === null,
  stock: g.stock === null ? '' : String(g.stock),
  perMemberLimit: String(g.perMemberLimit),
  eligibleTiers: g.eligibleTiers,
  availableFrom: toLocalInput(g.availableFrom),
  availableTo: toLocalInput(g.availableTo),
  sort: String(g.sort),
  fulfilment: g.fulfilment,
  pickupDays: String(g.pickupDays),
  refundOnExpiry: g.refundOnExpiry,
  active: g.status === 'active',
  note: '',
})

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN)

/** The form checked against the contract the server uses (create, or update at `version`). */
export function parseGiftForm(f: GiftForm, version: number | null) {
  const body = {
    name: f.name.trim(),
    kind: f.kind,
    category: f.category.trim(),
    description: f.description,
    imageIds: f.images.map((i) => i.imageId),
    pricePoints: int(f.pricePoints),
    cashFen: f.cash.trim() ? (yuanToFen(f.cash) ?? Number.NaN) : 0,
    stock: f.unlimited ? null : int(f.stock),
    perMemberLimit: int(f.perMemberLimit),
    eligibleTiers: f.eligibleTiers,
    availableFrom: f.availableFrom ? localToInstant(f.availableFrom) : null,
    availableTo: f.availableTo ? localToInstant(f.availableTo) : null,
    sort: int(f.sort),
    fulfilment: f.fulfilment,
    pickupDays: int(f.pickupDays),
    refundOnExpiry: f.refundOnExpiry,
    status: f.active ? ('active' as const) : ('paused' as const),
  }
  return version === null ? giftInput.safeParse(body) : giftUpdate.safeParse({ ...body, version, note: f.note.trim() })
}
