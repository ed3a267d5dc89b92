import { GIFT_BLOCKER_TEXT, shanghaiDateTime, type MallGift } from '@mall/shared'
import { formatPoints } from './format'

/** Display rules of the points mall's pages; pure so they are unit-tested without Taro. */

export const ALL_CATEGORIES = '全部'

/** The gifts a tab shows: a category (or 全部), and with 我能兑换 only what the member can redeem now. */
export function visibleGifts(items: MallGift[], category: string, redeemableOnly: boolean): MallGift[] {
  return items.filter(
    (g) => (category === ALL_CATEGORIES || g.category === category) && (!redeemableOnly || g.blocker === null),
  )
}

export const pointsText = (points: number) => `${formatPoints(points)} 积分`

/** A points + cash price is shown for reference; paying cash is not offered (no WeChat Pay JSAPI). */
export function cashPriceText(g: Pick<MallGift, 'pricePoints' | 'cashFen'>): string | null {
  if (g.cashFen <= 0) return null
  const yuan = g.cashFen % 100 === 0 ? String(g.cashFen / 100) : (g.cashFen / 100).toFixed(2)
  return `参考价 ${formatPoints(g.pricePoints)} 积分 + ¥${yuan}（暂仅支持积分兑换）`
}

export function stockText(stockLeft: number | null): string {
  if (stockLeft === null) return ''
  return stockLeft === 0 ? '已兑完' : `仅剩 ${formatPoints(stockLeft)} 件`
}

/** Why the button is off, in the member's words; '' when it is on. */
export const blockerText = (blocker: string | null) => (blocker ? (GIFT_BLOCKER_TEXT[blocker] ?? '暂不可兑换') : '')

/** 限时兑换: when the window opens or closes, to the minute (Shanghai time). */
export function windowText(g: Pick<MallGift, 'availableFrom' | 'availableTo'>, now: Date): string {
  if (g.availableFrom && new Date(g.availableFrom) > now) return `${shortTime(g.availableFrom)} 开始兑换`
  if (g.availableTo) return `限时兑换 · ${shortTime(g.availableTo)} 截止`
  return ''
}

/** "积分 1,000 → 700": the confirmation's second line (short: dialogs wrap long lines mid-number). */
export const balanceChangeText = (balance: number, price: number) =>
  `积分 ${formatPoints(balance)} → ${formatPoints(balance - price)}`

export const pickupDeadlineText = (expiresAt: string) => `请于 ${shortTime(expiresAt)} 前到服务台领取`

export const limitText = (g: Pick<MallGift, 'perMemberLimit' | 'redeemedByMe'>) =>
  g.redeemedByMe > 0 ? `每人限兑 ${g.perMemberLimit} 件，已兑 ${g.redeemedByMe} 件` : `每人限兑 ${g.perMemberLimit} 件`

/** "12-06 14:30" in Shanghai time. */
function shortTime(iso: string): string {
  return shanghaiDateTime(iso).slice(5, 16)
}
