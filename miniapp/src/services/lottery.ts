import type { LotteryDrawResult, LotteryDrawView, MemberLotteryView } from '@mall/shared'
import { api, request, type Schema } from './api'

/** 积分抽奖: the open lotteries, a draw, my draws (docs/lottery.md). */
export const LOTTERY_PAGE = '/pages/lottery/index'

function object(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null) throw new Error(`${what}: not an object`)
  return data as Record<string, unknown>
}

function drawOf(data: unknown): LotteryDrawView {
  const d = object(data, 'draw')
  const prize = object(d.prize, 'draw.prize')
  if (typeof d.id !== 'string' || typeof d.at !== 'string' || typeof prize.name !== 'string')
    throw new Error('draw: bad shape')
  return d as unknown as LotteryDrawView
}

const lotteries: Schema<{ items: MemberLotteryView[] }> = {
  parse(data) {
    const items = object(data, 'lotteries').items
    if (!Array.isArray(items)) throw new Error('lotteries: not an array')
    for (const l of items) if (!Array.isArray(object(l, 'lottery').prizes)) throw new Error('lottery: no prizes')
    return { items: items as MemberLotteryView[] }
  },
}

const draws: Schema<{ items: LotteryDrawView[] }> = {
  parse(data) {
    const items = object(data, 'draws').items
    if (!Array.isArray(items)) throw new Error('draws: not an array')
    return { items: items.map(drawOf) }
  },
}

const drawResult: Schema<LotteryDrawResult> = {
  parse(data) {
    const d = object(data, 'draw result')
    if (typeof d.drawsLeftToday !== 'number' || typeof d.balance !== 'number') throw new Error('draw result: bad shape')
    return { draw: drawOf(d.draw), drawsLeftToday: d.drawsLeftToday, balance: d.balance }
  },
}

export async function fetchLotteries(): Promise<MemberLotteryView[]> {
  return (await api.get('/api/lotteries', lotteries)).items
}

export async function fetchMyDraws(): Promise<LotteryDrawView[]> {
  return (await api.get('/api/me/lottery-draws', draws)).items
}

/** One draw; `idempotencyKey` makes a retried tap replay the first draw instead of paying again. */
export function drawLottery(lotteryId: string, idempotencyKey: string): Promise<LotteryDrawResult> {
  return request(`/api/lotteries/${encodeURIComponent(lotteryId)}/draw`, {
    method: 'POST',
    data: {},
    schema: drawResult,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}
