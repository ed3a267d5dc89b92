import type { LotteryDrawView, LotteryPrizeInput } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { demoLottery, liveLottery, THANKS, topUp } from '../support/lottery-helpers'
import { sleep, startWeappLane, type WeappLane, type WxNode } from './support/weapp-lane'

/**
 * The 积分抽奖 九宫格 in the release build: a tap starts the light running round the ring, the server
 * draws and stores the outcome, and the light stops on a cell of the stored prize; the result, the
 * draws left and my draws follow. Four prizes at 25 % each fill the eight cells twice, so a light that
 * stopped anywhere but on the stored prize would be caught three times in four per draw.
 */
jest.setTimeout(90_000)

const points = (id: string, n: number): LotteryPrizeInput => ({
  ...THANKS,
  id,
  name: `${n}积分`,
  kind: 'points',
  points: n,
  probabilityPpm: 250_000,
})
const DRAWS = 4

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
  const operator = (await lane.api.loginStaff('w-lottery-operator', 'operator', null)).accessToken
  const input = demoLottery(lane.api.clock.now().getTime())
  input.name = '小程序幸运九宫格'
  input.prizes = [points('p1', 1), points('p2', 2), points('p3', 3), { ...THANKS, probabilityPpm: 250_000 }]
  await liveLottery(lane.api, operator, input)
  await lane.loginWithWechat('o-weapp-lottery')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const get = async (url: string) => (await lane.api.http.get(url).set(bearer(lane.memberToken()))).body

/** The lit cell: its place in the grid (-1 when none is lit) and the prize name it shows. */
function litCell(): { at: number; prize: string | null } {
  const cells = lane.findAll('.lottery-cell')
  // The lane renders classes with the component's prefix (main--is-active); WeChat has no data-* in the DOM.
  const isLit = (c: WxNode) => c.dom.className.split(/\s+/).some((name) => /(^|--)is-active$/.test(name))
  const lit = cells.filter(isLit)
  expect(lit.length).toBeLessThanOrEqual(1)
  if (lit.length === 0) return { at: -1, prize: null }
  return {
    at: cells.indexOf(lit[0]!),
    prize: lit[0]!.dom.querySelector('[class*="lottery-cell__name"]')?.textContent ?? null,
  }
}

it('the light runs round the ring and stops on the prize the server stored, draw after draw', async () => {
  const card = await get('/api/me/card')
  await topUp(lane.api, { member: card } as never, 500)
  lane.mp.navigate('reLaunch', '/pages/lottery/index')
  await lane.waitFor('.lottery-go')
  await lane.settle()
  expect(lane.findAll('.lottery-cell')).toHaveLength(8)
  expect(lane.text('.lottery-left')).toContain('50/50')
  expect(lane.text('.lottery-mine')).toContain('还没有抽过奖')

  for (let round = 1; round <= DRAWS; round++) {
    await lane.tap('.lottery-go')
    await lane.waitFor('.lottery-go__main', (n) => n.dom.textContent === '抽奖中')
    expect(lane.find('.lottery-result')).toBeUndefined()
    // Watch the light while the draw is on its way and landing: it must go round, not jump to the end.
    const seen: number[] = []
    const deadline = Date.now() + 20_000
    while (!lane.find('.lottery-result')) {
      const { at } = litCell()
      if (at >= 0 && at !== seen[seen.length - 1]) seen.push(at)
      if (Date.now() > deadline) throw new Error(`draw ${round}: no result; lit cells seen ${seen.join(',')}`)
      await sleep(10)
    }
    await lane.settle()
    const stored: LotteryDrawView[] = (await get('/api/me/lottery-draws')).items
    expect(stored).toHaveLength(round)
    const outcome = stored[0]!.prize
    // At least one full loop before it stops (the landing adds a loop after the answer).
    expect({ round, moves: seen.length >= 8 }).toEqual({ round, moves: true })
    const headline = outcome.kind === 'none' ? '谢谢参与' : `恭喜获得「${outcome.name}」`
    expect({ round, lit: litCell().prize, result: lane.text('.lottery-result__title') }).toEqual({
      round,
      lit: outcome.name,
      result: headline,
    })
    expect(lane.text('.lottery-result__where')).toBe(
      outcome.kind === 'none' ? '未中奖' : `+${outcome.points} 积分已到账`,
    )
    await lane.waitFor('.lottery-left', (n) => (n.dom.textContent ?? '').includes(`${50 - round}/50`))
    expect(lane.findAll('.lottery-draw-row')).toHaveLength(round)
  }
  const balance = (await get('/api/me/wallet')).balance as number
  await lane.waitFor('.lottery-balance', (n) => (n.dom.textContent ?? '').replace(/,/g, '').includes(String(balance)))
})
