import type { LotteryDrawView, LotteryPrizeView } from '@mall/shared'
import {
  RING_POSITIONS,
  RING_SIZE,
  fallbackNote,
  landingCell,
  landingDelay,
  prizeHeadline,
  prizeWhere,
  ringCells,
  stepsToLand,
} from '../src/lib/lottery-grid'

const prize = (id: string, kind: LotteryPrizeView['kind'] = 'points'): LotteryPrizeView => ({
  id,
  name: id === 'thanks' ? '谢谢参与' : `${id}积分`,
  kind,
  points: kind === 'points' ? 10 : 0,
  probabilityPpm: 0,
  soldOut: false,
})
const draw = (over: Partial<LotteryDrawView> = {}): LotteryDrawView => ({
  id: 'd',
  lotteryId: 'l',
  lotteryName: '抽奖',
  at: '2026-12-06T00:00:00.000Z',
  costPoints: 20,
  prize: { id: 'p88', name: '88积分', kind: 'points', points: 88 },
  fallback: null,
  state: 'settled',
  ...over,
})

describe('lottery grid', () => {
  it('fills the eight ring cells with the prizes in order, repeated; the ring goes clockwise around the button', () => {
    const cells = ringCells([prize('a'), prize('b'), prize('thanks', 'none')])
    expect(cells.map((c) => c.id)).toEqual(['a', 'b', 'thanks', 'a', 'b', 'thanks', 'a', 'b'])
    expect([...RING_POSITIONS].sort()).toEqual([0, 1, 2, 3, 5, 6, 7, 8])
    expect(ringCells([])).toEqual([])
  })

  it('lands on a cell of the stored prize after at least one more loop', () => {
    const cells = ringCells([prize('a'), prize('b'), prize('c'), prize('d')])
    for (let from = 0; from < RING_SIZE; from++) {
      const to = landingCell(cells, 'c', from)
      expect(cells[to]!.id).toBe('c')
      const steps = stepsToLand(from, to)
      expect(steps).toBeGreaterThanOrEqual(RING_SIZE)
      expect((from + steps) % RING_SIZE).toBe(to)
    }
  })

  it('slows down towards the end of the landing', () => {
    const delays = Array.from({ length: 12 }, (_, i) => landingDelay(i, 12))
    expect(delays[0]).toBeLessThan(delays[11]!)
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!)
  })

  it('tells the member what they got in words, never in codes', () => {
    expect(prizeHeadline(draw())).toBe('恭喜获得「88积分」')
    expect(prizeHeadline(draw({ prize: { id: 'thanks', name: '谢谢参与', kind: 'none', points: 0 } }))).toBe('谢谢参与')
    expect(fallbackNote(draw({ fallback: 'sold_out' }))).toContain('发完')
    expect(fallbackNote(draw({ fallback: 'budget' }))).toContain('预算')
    expect(fallbackNote(draw())).toBeNull()
    expect(prizeWhere(draw())).toBe('+88 积分已到账')
    expect(prizeWhere(draw({ prize: { id: 'c', name: '券', kind: 'coupon', points: 0 } }))).toBe('已放入我的优惠券')
    expect(prizeWhere(draw({ state: 'pending' }))).toBe('结果处理中')
    expect(prizeWhere(draw({ prize: { id: 'g', name: '咖啡', kind: 'gift', points: 0 } }))).toContain('服务台领取')
  })
})
