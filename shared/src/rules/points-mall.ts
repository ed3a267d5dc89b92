/**
 * The points mall's pure rules: when a gift can be redeemed, how a redemption's status reads, when an
 * unclaimed pickup lapses. Server and mini-program use the same ones (`now` is passed in).
 */
export const GIFT_KINDS = ['goods', 'voucher', 'experience'] as const
export type GiftKind = (typeof GIFT_KINDS)[number]
export const GIFT_KIND_TEXT: Record<GiftKind, string> = { goods: '实物礼品', voucher: '服务券', experience: '体验' }

export const FULFILMENTS = ['pickup', 'delivery'] as const
export type Fulfilment = (typeof FULFILMENTS)[number]
export const FULFILMENT_TEXT: Record<Fulfilment, string> = { pickup: '服务台自提', delivery: '快递到家' }

export const REDEMPTION_STATUSES = [
  'pending_pickup',
  'pending_shipment',
  'shipped',
  'picked_up',
  'cancelled',
  'expired',
] as const
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number]

/** What ends a redemption: the one decision row per redemption says which (a unique insert). */
export type RedemptionOutcome = 'picked_up' | 'shipped' | 'cancelled' | 'expired'

export const REDEMPTION_STATUS_TEXT: Record<RedemptionStatus, string> = {
  pending_pickup: '待领取',
  pending_shipment: '待发货',
  shipped: '已发货',
  picked_up: '已领取',
  cancelled: '已取消',
  expired: '已过期',
}

/** The status as members read it: 已发货 carries its carrier and tracking number. */
export function redemptionStatusText(
  status: RedemptionStatus,
  shipping: { carrier: string | null; trackingNo: string | null } = { carrier: null, trackingNo: null },
): string {
  if (status === 'shipped' && shipping.trackingNo)
    return `已发货（${shipping.carrier ? `${shipping.carrier} ` : ''}${shipping.trackingNo}）`
  return REDEMPTION_STATUS_TEXT[status]
}

/** Whether the member may still cancel: only before the gift left the desk or the warehouse. */
export const isCancellable = (status: RedemptionStatus) => status === 'pending_pickup' || status === 'pending_shipment'

export type GiftBlocker = 'PAUSED' | 'NOT_STARTED' | 'ENDED' | 'TIER_TOO_LOW'

export interface GiftAvailability {
  status: 'active' | 'paused'
  availableFrom: string | null
  availableTo: string | null
  eligibleTiers: number[]
}

/** Why a member of `tierLevel` cannot redeem the gift now (stock, limit and balance are decided elsewhere). */
export function giftBlocker(g: GiftAvailability, tierLevel: number, now: Date): GiftBlocker | null {
  if (g.status !== 'active') return 'PAUSED'
  if (g.availableFrom && now < new Date(g.availableFrom)) return 'NOT_STARTED'
  if (g.availableTo && now > new Date(g.availableTo)) return 'ENDED'
  if (g.eligibleTiers.length > 0 && !g.eligibleTiers.includes(tierLevel)) return 'TIER_TOO_LOW'
  return null
}

/** Why a gift shows as not redeemable in the member's catalogue (zh-CN), or null when it is. */
export const GIFT_BLOCKER_TEXT: Record<string, string> = {
  PAUSED: '暂停兑换',
  NOT_STARTED: '即将开始',
  ENDED: '已结束',
  TIER_TOO_LOW: '等级不足',
  SOLD_OUT: '已兑完',
  LIMIT_REACHED: '已达兑换上限',
  INSUFFICIENT_POINTS: '积分不足',
}

const DAY_MS = 86_400_000

/** When an unclaimed pickup lapses: `days` whole days after the redemption. */
export function pickupExpiresAt(redeemedAt: Date, days: number): Date {
  return new Date(redeemedAt.getTime() + days * DAY_MS)
}

/** The 限时兑换 badge: a window that has an end. */
export const isFlashWindow = (g: Pick<GiftAvailability, 'availableTo'>) => g.availableTo !== null
