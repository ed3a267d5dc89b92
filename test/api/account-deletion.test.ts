import { shanghaiDay } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { dataUrl, receiptImage, uploadReceipt } from '../support/receipt-photo-helpers'
import { transitionHooks } from '../../server/src/db/transitions'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { memberModels } from '../../server/src/modules/members/member.model'
import { receiptPhotoModels } from '../../server/src/modules/receipt-photos/receipt-photo.model'
import { accountDeletionModels } from '../../server/src/modules/account-deletion/account-deletion.model'

/**
 * 注销账号 over HTTP against the real database: the statement of what is lost, the request with its explicit
 * confirmation, the cooling-off with its banner and cancel, the erasure by the job (ledger still replays with 0
 * differences, coupons voided, photos deleted, identities released), and its races and crashes.
 */
jest.setTimeout(120_000)

const DAY = 86_400_000
const GIFT = 500
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
  api.ctx.services.receiptOcr.enabled = false
})
afterAll(() => api.stop())
afterEach(() => {
  transitionHooks.afterClaim = undefined
})

const status = (token: string) => api.http.get('/api/me/account-deletion').set(bearer(token))
const pointsLapsedOn = async (at: Date): Promise<number> => {
  const day = shanghaiDay(at)
  const res = await api.http.get(`/api/ops/kpis?from=${day}&to=${day}`).set(bearer(await signIn()))
  return (res.body.metrics as { key: string; value: number }[]).find((m) => m.key === 'points_expired')!.value
}
const requestDeletion = (token: string, body: unknown = { confirm: true }) =>
  api.http
    .post('/api/me/account-deletion')
    .set(bearer(token))
    .send(body as object)
const cancel = (token: string) => api.http.post('/api/me/account-deletion/cancel').set(bearer(token)).send({})
// Staff sign in again for each call: the tests move the clock by days and access tokens last minutes.
const signIn = async () => (await api.loginStaff('del-operator', 'operator', null)).accessToken
const consoleView = async (memberId: string) =>
  api.http.get(`/api/ops/members/${memberId}/account-deletion`).set(bearer(await signIn()))
const giftPoints = async (memberId: string, points = GIFT) => {
  const res = await api.http
    .post(`/api/ops/members/${memberId}/points-adjustments`)
    .set(bearer(await signIn()))
    .send({ points, reason: '测试积分' })
  expect(res.status).toBe(201)
}
/** A free coupon valid for 30 days, claimable around the test clock's now (it moves by days). */
const freeCoupon = async () => {
  const now = api.clock.now().getTime()
  return createTemplate(api, await signIn(), {
    pricePoints: 0,
    validity: { kind: 'relative', days: 30 },
    claimStart: new Date(now - DAY).toISOString(),
    claimEnd: new Date(now + 30 * DAY).toISOString(),
  })
}
const requestRows = (memberId: string) => accountDeletionModels(api.conn).Request.countDocuments({ memberId })
const eraseDue = () => api.ctx.jobs.eraseDeletedAccounts(api.clock.now())

describe('asking: what is lost, an explicit confirmation, the banner and the cancel', () => {
  it('states the points, coupons and tier lost, and asks only with confirm: true', async () => {
    const m = await api.loginByWechat('o-del-ask')
    await giftPoints(m.member.memberId)
    const template = await freeCoupon()
    expect((await claim(api, m.accessToken, template)).status).toBe(200)

    const before = await status(m.accessToken)
    expect(before.status).toBe(200)
    expect(before.body).toMatchObject({ state: 'none', notice: null, coolingOffDays: 7 })
    const pointsBalance = GIFT + api.config.welcomeGift.points
    expect(before.body.losses).toEqual({ pointsBalance, activeCoupons: 1, tierName: '普通会员' })

    for (const body of [{}, { confirm: false }, { confirm: 'yes' }, { confirm: true, extra: 1 }]) {
      const refused = await requestDeletion(m.accessToken, body)
      expect(refused.status).toBe(400)
      expect(refused.body.error.code).toBe('VALIDATION.FAILED')
    }
    expect(await requestRows(m.member.memberId)).toBe(0)

    const asked = await requestDeletion(m.accessToken)
    expect(asked.status).toBe(200)
    expect(asked.body.state).toBe('pending')
    expect(Date.parse(asked.body.dueAt) - Date.parse(asked.body.requestedAt)).toBe(7 * DAY)
    expect(asked.body.notice).toMatch(/^账号将于 \d{1,2}月\d{1,2}日 注销$/)

    // Logging in again during the cooling-off shows the banner; it does not cancel by itself.
    const again = await api.loginByWechat('o-del-ask')
    expect(again.member.memberId).toBe(m.member.memberId)
    expect((await status(again.accessToken)).body.notice).toBe(asked.body.notice)
    expect((await consoleView(m.member.memberId)).body).toMatchObject({ state: 'pending', label: '注销中' })

    const cancelled = await cancel(again.accessToken)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ state: 'none', notice: null })
    expect((await cancel(again.accessToken)).body.state).toBe('none') // a repeat answers the same
    expect((await consoleView(m.member.memberId)).body).toMatchObject({ state: 'none', label: '正常' })

    // A later request is a new one (the chain's next row), with its own cooling-off.
    expect((await requestDeletion(again.accessToken)).body.state).toBe('pending')
    expect(await requestRows(m.member.memberId)).toBe(2)
    await cancel(again.accessToken)
  })

  it('refuses a cancel with nothing asked (409) and keeps the console to operators', async () => {
    const m = await api.loginByWechat('o-del-nothing')
    const res = await cancel(m.accessToken)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('ACCOUNT_DELETION.NOT_PENDING')
    const clerk = (await api.loginStaff('del-clerk', 'clerk', null)).accessToken
    const asClerk = await api.http.get(`/api/ops/members/${m.member.memberId}/account-deletion`).set(bearer(clerk))
    expect(asClerk.status).toBe(403)
    expect((await consoleView('99999999')).status).toBe(404)
  })

  it('makes one request of 20 concurrent ones, round after round', async () => {
    // A member per round: 40 calls each stay under the routes' 60 a minute per member.
    for (let round = 1; round <= 3; round++) {
      const m = await api.loginByWechat(`o-del-race-${round}`)
      const answers = await Promise.all(Array.from({ length: 20 }, () => requestDeletion(m.accessToken)))
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
      expect(new Set(answers.map((a) => a.body.requestedAt)).size).toBe(1)
      expect(await requestRows(m.member.memberId)).toBe(1)
      const cancels = await Promise.all(Array.from({ length: 20 }, () => cancel(m.accessToken)))
      expect(cancels.map((c) => `${c.status} ${c.body.state ?? c.body.error?.code}`)).toEqual(
        Array(20).fill('200 none'),
      )
    }
  })
})

describe('erasure after the cooling-off', () => {
  it('erases: points forfeited by a ledger entry, coupons voided, photos deleted, identities released', async () => {
    const inviter = await api.loginByWechat('o-del-inviter')
    const inviteCode = (await api.http.get('/api/me/invites').set(bearer(inviter.accessToken))).body.inviteCode
    const m = await api.loginByWechat('o-del-erase', inviteCode)
    const memberId = m.member.memberId
    expect((await api.http.get('/api/me/invites').set(bearer(inviter.accessToken))).body.totals.invited).toBe(1)
    await giftPoints(memberId)
    const template = await freeCoupon()
    const coupon = (await claim(api, m.accessToken, template)).body
    expect(
      (await api.http.post('/api/me/birthday').set(bearer(m.accessToken)).send({ birthday: '1990-05-01' })).status,
    ).toBe(200)
    const photo = await receiptImage({ store: '星巴克', receiptNo: 'D-1', time: '2026-12-05 14:32:10', total: '56.50' })
    const upload = await uploadReceipt(api, m.accessToken, dataUrl(photo))
    expect(upload.status).toBe(201)
    expect((await api.ctx.services.insight.population(api.clock.now())).some((p) => p.member._id === memberId)).toBe(
      true,
    )

    const balance = (await status(m.accessToken)).body.losses.pointsBalance
    expect(balance).toBeGreaterThanOrEqual(GIFT)
    await requestDeletion(m.accessToken)
    api.clock.advance(7 * DAY - 60_000)
    expect(await eraseDue()).toEqual({ erased: 0 }) // a minute before the cooling-off ends
    const late = await api.loginByWechat('o-del-erase') // fresh tokens, to see them refused after the erasure
    api.clock.advance(2 * 60_000)
    expect(await eraseDue()).toEqual({ erased: 1 })
    expect(await eraseDue()).toEqual({ erased: 0 }) // idempotent

    // The member's tokens are refused with a stable code; so is the refresh token.
    const card = await api.http.get('/api/me/card').set(bearer(late.accessToken))
    expect(card.status).toBe(401)
    expect(card.body.error.code).toBe('AUTH.ACCOUNT_DELETED')
    const refresh = await api.http.post('/api/auth/refresh').send({ refreshToken: late.refreshToken })
    expect(refresh.status).toBe(401)
    expect(refresh.body.error.code).toBe('AUTH.ACCOUNT_DELETED')

    // Points forfeited by one ledger entry; the whole ledger still replays with 0 differences.
    const entries = await ledgerModels(api.conn).Entry.find({ memberId }).sort({ seq: 1 }).lean().exec()
    const last = entries[entries.length - 1]!
    expect(last).toMatchObject({ type: 'forfeit', delta: -balance })
    expect(last.state.balance).toBe(0)
    expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
    // The dashboard counts the forfeit with the points that lapsed that day, not as a member's activity.
    expect(await pointsLapsedOn(api.clock.now())).toBe(balance)

    // The coupon is voided (its void row decided it) and no longer valid.
    const voided = await couponModels(api.conn).Coupon.findById(coupon.couponId).lean().exec()
    expect(Date.parse(voided!.validTo)).toBeLessThan(api.clock.now().getTime())
    expect(await accountDeletionModels(api.conn).CouponVoid.countDocuments({ memberId })).toBe(1)

    // Personal fields erased, receipt photos deleted, identities released.
    const row = await memberModels(api.conn).Member.findById(memberId).lean().exec()
    expect(row).toMatchObject({ nickname: '已注销会员', phone: null, openid: null, birthday: null, tierLevel: 1 })
    expect(row!.erasedAt).toBeTruthy()
    const file = await receiptPhotoModels(api.conn).File.findById(upload.body.photoId).lean().exec()
    expect(file).toMatchObject({ data: null })
    expect(file!.purgedAt).toBeTruthy()
    expect(await memberModels(api.conn).MemberIdentity.countDocuments({ memberId })).toBe(0)
    expect((await consoleView(memberId)).body).toMatchObject({ state: 'erased', label: '已注销' })

    // Invites and segments no longer count the member.
    const inviterAgain = await api.loginByWechat('o-del-inviter')
    const invites = (await api.http.get('/api/me/invites').set(bearer(inviterAgain.accessToken))).body
    expect(invites.totals.invited).toBe(0)
    expect((await api.ctx.services.insight.population(api.clock.now())).some((p) => p.member._id === memberId)).toBe(
      false,
    )

    // The same WeChat user registers again as a new member with 0 points: no second welcome gift, at the
    // registration or at a later login (which repeats the registration's hooks).
    expect(api.config.welcomeGift.points).toBeGreaterThan(0)
    const reborn = await api.loginByWechat('o-del-erase')
    expect(reborn.isNewMember).toBe(true)
    expect(reborn.member.memberId).not.toBe(memberId)
    expect(reborn.member.pointsBalance).toBe(0)
    expect((await api.loginByWechat('o-del-erase')).member.pointsBalance).toBe(0)
    expect((await api.loginByWechat('o-del-someone-else')).member.pointsBalance).toBe(api.config.welcomeGift.points)
    expect((await status(reborn.accessToken)).body.state).toBe('none')
  })

  it('decides a cancel racing the erase by one insert: 20 cancels against the job', async () => {
    for (let round = 0; round < 3; round++) {
      const m = await api.loginByWechat(`o-del-vs-${round}`)
      await requestDeletion(m.accessToken)
      api.clock.advance(7 * DAY + 1000)
      const fresh = await api.loginByWechat(`o-del-vs-${round}`)
      const [cancels, job] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, () => cancel(fresh.accessToken))),
        eraseDue(),
      ])
      const decision = await accountDeletionModels(api.conn)
        .Decision.find({ memberId: m.member.memberId })
        .lean()
        .exec()
      expect(decision).toHaveLength(1)
      const row = await memberModels(api.conn).Member.findById(m.member.memberId).lean().exec()
      if (decision[0]!.outcome === 'erased') {
        expect(job.erased).toBe(1)
        expect(row!.erasedAt).toBeTruthy()
        expect(cancels.every((c) => c.status === 401 || c.status === 409)).toBe(true)
      } else {
        expect(row!.erasedAt ?? null).toBeNull()
        expect(cancels.every((c) => c.status === 200 && c.body.state === 'none')).toBe(true)
      }
    }
  })

  it('finishes an erasure that crashed between its steps the next time the job runs', async () => {
    for (const crashAt of [':decision', ':void']) {
      const m = await api.loginByWechat(`o-del-crash${crashAt}`)
      const memberId = m.member.memberId
      await giftPoints(memberId)
      const template = await freeCoupon()
      expect((await claim(api, m.accessToken, template)).status).toBe(200)
      await requestDeletion(m.accessToken)
      api.clock.advance(7 * DAY + 1000)
      const fresh = await api.loginByWechat(`o-del-crash${crashAt}`)
      transitionHooks.afterClaim = async (row) => {
        if (row._id.endsWith(crashAt)) throw new Error('crash')
      }
      await expect(eraseDue()).rejects.toThrow('crash')
      transitionHooks.afterClaim = undefined
      // Decided: every process refuses the member's tokens from its next refresh of the erased list (each
      // minute), though the steps are not all done.
      await api.ctx.jobs.refreshErasedMembers()
      expect((await api.http.get('/api/me/card').set(bearer(fresh.accessToken))).body.error.code).toBe(
        'AUTH.ACCOUNT_DELETED',
      )
      const decision = await accountDeletionModels(api.conn).Decision.findOne({ memberId }).lean().exec()
      expect(decision).toMatchObject({ outcome: 'erased', settled: false })

      expect((await eraseDue()).erased).toBe(1)
      const settled = await accountDeletionModels(api.conn).Decision.findOne({ memberId }).lean().exec()
      expect(settled!.settled).toBe(true)
      const row = await memberModels(api.conn).Member.findById(memberId).lean().exec()
      expect(row).toMatchObject({ nickname: '已注销会员', openid: null })
      const forfeits = await ledgerModels(api.conn).Entry.countDocuments({ memberId, type: 'forfeit' })
      expect(forfeits).toBe(1)
      const voids = await accountDeletionModels(api.conn).CouponVoid.find({ memberId }).lean().exec()
      expect({ crashAt, voids: voids.map((v) => v.settled) }).toEqual({ crashAt, voids: [true] })
    }
    expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
  })
})
