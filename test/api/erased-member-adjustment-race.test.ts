import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { transitionHooks, type TransitionRow } from '../../server/src/db/transitions'
import { adjustmentHooks } from '../../server/src/modules/member-admin/member-admin.service'

/**
 * A points adjustment racing the erase job (注销账号): an adjustment that read the member before `erasedAt`
 * was set may post after the erasure's forfeit. The erase job forfeits again after closing the row, and an
 * adjustment that finds `erasedAt` after posting forfeits what it posted and answers 409 MEMBER.ERASED, so
 * the erased wallet always ends at 0 and the replay of every wallet agrees.
 */
jest.setTimeout(180_000)

const DAY = 86_400_000
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())
afterEach(() => {
  delete adjustmentHooks.afterMemberRead
  delete transitionHooks.afterClaim
})

const balance = async (memberId: string) => (await api.ctx.services.ledger.head(memberId)).state.balance

/** A member whose deletion is due: asked for, then the clock moved past the 7-day cooling-off. */
const dueForErasure = async (openid: string, withCoupon = false): Promise<string> => {
  const m = await api.loginByWechat(openid)
  if (withCoupon) {
    const now = api.clock.now().getTime()
    const operator = (await api.loginStaff('erase-race-coupons', 'operator', null)).accessToken
    const template = await createTemplate(api, operator, {
      pricePoints: 0,
      validity: { kind: 'relative', days: 30 },
      claimStart: new Date(now - DAY).toISOString(),
      claimEnd: new Date(now + 30 * DAY).toISOString(),
    })
    expect((await claim(api, m.accessToken, template)).status).toBe(200)
  }
  const asked = await api.http.post('/api/me/account-deletion').set(bearer(m.accessToken)).send({ confirm: true })
  expect(asked.status).toBe(200)
  api.clock.advance(7 * DAY + 1000)
  return m.member.memberId
}

describe('a points adjustment racing the erasure of its member', () => {
  it('takes back an adjustment that read the member before the erasure and posted after it', async () => {
    const memberId = await dueForErasure('o-erase-race-paused')
    const token = (await api.loginStaff('erase-race-maker', 'operator', null)).accessToken
    let reached!: () => void
    const memberRead = new Promise<void>((resolve) => (reached = resolve))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    adjustmentHooks.afterMemberRead = async (id) => {
      if (id !== memberId) return
      reached()
      await released
    }
    const adjustment = api.http
      .post(`/api/ops/members/${memberId}/points-adjustments`)
      .set(bearer(token))
      .send({ points: 300, reason: '测试积分' })
      .then((res) => res)
    await memberRead
    expect(await api.ctx.jobs.eraseDeletedAccounts(api.clock.now())).toEqual({ erased: 1 })
    release()
    const res = await adjustment
    expect([res.status, res.body.error?.code]).toEqual([409, 'MEMBER.ERASED'])
    expect(await balance(memberId)).toBe(0)
    expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
  })

  it('forfeits again after closing the row: an adjustment posted between the forfeit and erasedAt', async () => {
    const memberId = await dueForErasure('o-erase-race-between', true)
    const token = (await api.loginStaff('erase-race-between', 'operator', null)).accessToken
    // Voiding the member's coupon comes after the first forfeit and before `erasedAt`: the adjustment runs there.
    let answered: { status: number } | null = null
    transitionHooks.afterClaim = async (row: TransitionRow) => {
      const voided = row as TransitionRow & { couponId?: string; memberId?: string }
      if (!voided.couponId || voided.memberId !== memberId || answered) return
      answered = await api.http
        .post(`/api/ops/members/${memberId}/points-adjustments`)
        .set(bearer(token))
        .send({ points: 300, reason: '测试积分' })
    }
    expect(await api.ctx.jobs.eraseDeletedAccounts(api.clock.now())).toEqual({ erased: 1 })
    expect(answered).toMatchObject({ status: 201 })
    expect(await balance(memberId)).toBe(0)
    expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
  })

  it('leaves 0 points after 20 concurrent adjustments race the erase job', async () => {
    const memberId = await dueForErasure('o-erase-race-20')
    const token = (await api.loginStaff('erase-race-20', 'operator', null)).accessToken
    const adjustments = Array.from({ length: 20 }, () =>
      api.http
        .post(`/api/ops/members/${memberId}/points-adjustments`)
        .set(bearer(token))
        .send({ points: 100, reason: '并发测试' })
        .then((res) => res),
    )
    const [erased, ...answers] = await Promise.all([api.ctx.jobs.eraseDeletedAccounts(api.clock.now()), ...adjustments])
    expect(erased).toEqual({ erased: 1 })
    for (const res of answers) expect([201, 409]).toContain(res.status)
    expect(await balance(memberId)).toBe(0)
    expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
  })
})
