import type { GiftRedemption } from '@mall/shared'
import { startTestApi, type TestApi } from '../support/api-harness'
import { createGift } from '../support/mall-helpers'
import { transitionHooks, type TransitionRow } from '../../server/src/db/transitions'
import { giftGrantHooks } from '../../server/src/modules/points-mall/gift-redemption.service'
import { pointsMallModels } from '../../server/src/modules/points-mall/points-mall.model'

/**
 * A free gift handed out by another module (a lottery prize) against the sweeper that finishes grants a crash
 * left pending: whoever decides, the grant's answer, the redemption's state and the stock agree.
 */
jest.setTimeout(120_000)

let api: TestApi
let operator: string
let members = 0
/** Past the sweeper's grace for a pending redemption (STALE_PAYMENT_MS, 30 s). */
const STALE_MS = 31_000

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' })
  operator = (await api.loginStaff('grant-op', 'operator', null)).accessToken
})
afterAll(() => api.stop())
afterEach(() => {
  giftGrantHooks.afterOpen = undefined
  transitionHooks.afterClaim = undefined
})

const mall = () => api.ctx.services.pointsMall.giftRedemptions
const sweepLater = () => mall().sweep(new Date(api.clock.now().getTime() + STALE_MS))
const newMember = async () => (await api.loginMember(`grant-m${++members}`)).member.memberId

/** Pauses the first grant right after its redemption is written, before its slot is taken. */
function pauseGrantAfterOpen(): { reached: Promise<string>; release: () => void } {
  let release!: () => void
  const paused = new Promise<void>((resolve) => (release = resolve))
  let reach!: (id: string) => void
  const reached = new Promise<string>((resolve) => (reach = resolve))
  giftGrantHooks.afterOpen = async (redemptionId) => {
    giftGrantHooks.afterOpen = undefined
    reach(redemptionId)
    await paused
  }
  return { reached, release }
}

/** Pauses the first writer whose won outcome row says `outcome`, between its insert and what follows. */
function pauseAfterOutcome(outcome: 'held' | 'failed'): { reached: Promise<void>; release: () => void } {
  let release!: () => void
  const paused = new Promise<void>((resolve) => (release = resolve))
  let reach!: () => void
  const reached = new Promise<void>((resolve) => (reach = resolve))
  transitionHooks.afterClaim = async (row: TransitionRow & { outcome?: string }) => {
    if (!row._id.endsWith(':grant') || row.outcome !== outcome) return
    transitionHooks.afterClaim = undefined
    reach()
    await paused
  }
  return { reached, release }
}

/** The grant's answer, its redemption and the gift's slots tell one story. */
async function expectAgreement(giftId: string, answers: (GiftRedemption | 'sold_out')[], stock: number) {
  const m = pointsMallModels(api.conn)
  const redemptions = await m.Redemption.find({ giftId }).lean().exec()
  const slots = await m.Slot.find({ giftId }).lean().exec()
  const active = redemptions.filter((r) => r.state === 'active')
  expect(redemptions.filter((r) => r.state === 'pending_payment')).toEqual([])
  // a slot is held exactly by the active redemptions, never by a failed one
  expect(slots.map((s) => s.redemptionId).sort()).toEqual(active.map((r) => r._id).sort())
  expect(active.length).toBeLessThanOrEqual(stock)
  for (const answer of answers) {
    if (answer === 'sold_out') continue
    expect(active.map((r) => r._id)).toContain(answer.redemptionId)
  }
  if (answers.every((a) => a === 'sold_out')) expect(active).toEqual([])
}

describe('grant against the sweeper', () => {
  it('a grant the sweeper found pending (no slot yet) and decided failed does not answer a gift', async () => {
    const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
    const member = await newMember()
    const pause = pauseGrantAfterOpen()
    const granting = mall().grant(member, giftId, 'lottery:paused-1', api.clock.now())
    await pause.reached
    expect(await sweepLater()).toMatchObject({ activated: 0, released: 1 })
    pause.release()
    const answer = await granting
    await expectAgreement(giftId, [answer], 1)
    // the stock is not lost to a failed redemption: another member's grant gets it
    const other = await mall().grant(await newMember(), giftId, 'lottery:paused-2', api.clock.now())
    expect(other).not.toBe('sold_out')
  })

  it('a grant that takes its slot after the sweeper decided failed gives it back and answers sold_out', async () => {
    const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
    const grantPaused = pauseGrantAfterOpen()
    const granting = mall().grant(await newMember(), giftId, 'lottery:late-1', api.clock.now())
    await grantPaused.reached
    // the sweeper finds no slot and wins 'failed'; it is held there while the grant goes on
    const sweepPaused = pauseAfterOutcome('failed')
    const sweeping = sweepLater()
    await sweepPaused.reached
    grantPaused.release()
    expect(await granting).toBe('sold_out')
    sweepPaused.release()
    expect(await sweeping).toMatchObject({ activated: 0, released: 1 })
    await expectAgreement(giftId, ['sold_out'], 1)
  })

  it('a grant that crashed after deciding held is finished by the sweeper, once', async () => {
    const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
    transitionHooks.afterClaim = async (row) => {
      if (row._id.endsWith(':grant')) throw new Error('simulated crash after the outcome insert')
    }
    await expect(mall().grant(await newMember(), giftId, 'lottery:crash-1', api.clock.now())).rejects.toThrow(
      'simulated crash',
    )
    transitionHooks.afterClaim = undefined
    const [a, b] = await Promise.all([sweepLater(), sweepLater()])
    // either sweep may find it pending; whichever does follows the one outcome
    expect(a.activated + b.activated).toBeGreaterThanOrEqual(1)
    const redemptions = await pointsMallModels(api.conn).Redemption.find({ giftId }).lean().exec()
    expect(redemptions.map((r) => r.state)).toEqual(['active'])
    expect(await sweepLater()).toMatchObject({ activated: 0, released: 0 })
  })

  it('rounds of 10 grants of one key, a rival grant and 10 sweeps at once agree on who holds the gift', async () => {
    for (let round = 0; round < 5; round++) {
      const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
      const [member, rival] = [await newMember(), await newMember()]
      const calls: Promise<unknown>[] = []
      for (let i = 0; i < 10; i++) {
        calls.push(mall().grant(member, giftId, `lottery:round-${round}`, api.clock.now()))
        calls.push(sweepLater())
      }
      calls.push(mall().grant(rival, giftId, `lottery:rival-${round}`, api.clock.now()))
      const results = await Promise.all(calls)
      const isAnswer = (x: unknown): x is GiftRedemption | 'sold_out' =>
        x === 'sold_out' || 'redemptionId' in (x as object)
      const answers = results.filter(isAnswer)
      expect(answers).toHaveLength(11)
      await expectAgreement(giftId, answers, 1)
      // the ten answers of one key are one answer
      expect(new Set(answers.slice(0, -1).map((a) => (a === 'sold_out' ? a : a.redemptionId))).size).toBe(1)
    }
  })

  it('rounds of 20 grants of one key for the last gift in stock all answer the gift, never sold_out', async () => {
    for (let round = 0; round < 5; round++) {
      const giftId = await createGift(api, operator, { stock: 1, pricePoints: 500 })
      const member = await newMember()
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => mall().grant(member, giftId, `lottery:last-${round}`, api.clock.now())),
      )
      // nobody else wants it: a writer that found the stock gone to its own grant's slot follows it
      expect(answers.filter((a) => a === 'sold_out')).toHaveLength(0)
      await expectAgreement(giftId, answers, 1)
    }
  })
})
