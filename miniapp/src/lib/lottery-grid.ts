import type { LotteryDrawView, LotteryPrizeView } from '@mall/shared'

/**
 * The 九宫格 lottery: eight prize cells around the draw button, lit one after another clockwise.
 * The light keeps running while the draw is on its way to the server, and only once the stored
 * outcome is back does it slow down and stop on a cell of that prize: the animation never decides.
 */
export const RING_SIZE = 8
/** Grid positions (row-major 0..8, 4 is the button) of the ring, clockwise from the top left. */
export const RING_POSITIONS = [0, 1, 2, 5, 8, 7, 6, 3] as const
const LANDING_LOOPS = 1

/** The eight cells: the prizes in order, repeated to fill the ring. */
export function ringCells(prizes: readonly LotteryPrizeView[]): LotteryPrizeView[] {
  if (prizes.length === 0) return []
  return Array.from({ length: RING_SIZE }, (_, i) => prizes[i % prizes.length]!)
}

/** The ring index of the cell holding `prizeId` first reached going on from `from`. */
export function landingCell(cells: readonly LotteryPrizeView[], prizeId: string, from: number): number {
  for (let step = 1; step <= RING_SIZE; step++) {
    const at = (from + step) % RING_SIZE
    if (cells[at]?.id === prizeId) return at
  }
  return from
}

/** Steps from `from` to `to` after at least one more full loop, so the stop never looks abrupt. */
export function stepsToLand(from: number, to: number): number {
  return LANDING_LOOPS * RING_SIZE + ((to - from + RING_SIZE) % RING_SIZE)
}

/** Milliseconds before step `i` of the `total` landing steps: the light slows down towards the end. */
export function landingDelay(i: number, total: number): number {
  const left = total - i
  return left > 6 ? 70 : 70 + (7 - left) * 45
}

export function prizeHeadline(draw: LotteryDrawView): string {
  return draw.prize.kind === 'none' ? draw.prize.name : `恭喜获得「${draw.prize.name}」`
}

/** Why a draw got the consolation prize, in the member's words; null when it got what it drew. */
export function fallbackNote(draw: LotteryDrawView): string | null {
  if (draw.fallback === 'sold_out') return '抽中的奖品刚好发完了，送您一份谢谢参与'
  if (draw.fallback === 'budget') return '本期奖品预算已用完，送您一份谢谢参与'
  return null
}

/** What the prize became, for my draws: 积分 arrive in the wallet, 券 in my coupons, 礼品 in my redemptions. */
export function prizeWhere(draw: LotteryDrawView): string {
  if (draw.state === 'pending') return '结果处理中'
  if (draw.prize.kind === 'points') return `+${draw.prize.points} 积分已到账`
  if (draw.prize.kind === 'coupon') return '已放入我的优惠券'
  if (draw.prize.kind === 'gift') return '请凭领取码到服务台领取（我的兑换）'
  return '未中奖'
}
