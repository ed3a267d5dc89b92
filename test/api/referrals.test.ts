import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'
import { referralModels } from '../../server/src/modules/referrals/referral.model'

let api: TestApi
let clerk: string
let manager: string
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('RF')
  clerk = (await api.loginStaff('ref-clerk', 'clerk', 'RF')).accessToken
  manager = (await api.loginStaff('ref-manager', 'manager', 'RF')).accessToken
})
afterAll(() => api.stop())

const W = 100
const balance = async (m: MemberLoginResponse) => (await api.ctx.services.ledger.head(m.member.memberId)).state.balance
const invites = (m: MemberLoginResponse) => api.http.get('/api/me/invites').set(bearer(m.accessToken))
const devLogin = (devUser: string, inviter?: string) =>
  api.http.post('/api/auth/dev-login').send({ devUser, ...(inviter ? { inviter } : {}) })
async function inviteCodeOf(m: MemberLoginResponse): Promise<string> {
  return (await invites(m)).body.inviteCode
}

describe('invite a friend', () => {
  it("rewards the invitee at once and the inviter after the friend's first verified purchase", async () => {
    const a = await api.loginMember('ref-a')
    const code = await inviteCodeOf(a)
    const summary = (await invites(a)).body
    expect(summary.link).toMatch(new RegExp(`/\\?inviter=${code}$`))
    expect(summary.sharePath).toBe(`pages/card/index?inviter=${code}`)

    const b = (await devLogin('ref-b', code)).body as MemberLoginResponse
    expect(b.isNewMember).toBe(true)
    expect(await balance(b)).toBe(W + 50)
    expect((await invites(a)).body.friends).toEqual([
      expect.objectContaining({ status: 'registered', rewardPoints: 0, nickname: 'r**' }),
    ])
    expect(await balance(a)).toBe(W)

    await award(api, clerk, { scanToken: await scan(api, b, clerk), receiptNo: 'REF-1', amountFen: 88_00 })
    expect(await balance(a)).toBe(W + 200)
    const after = (await invites(a)).body
    expect(after.friends[0]).toMatchObject({ status: 'rewarded', rewardPoints: 200 })
    expect(after.totals).toEqual({ invited: 1, purchased: 1, rewardPoints: 200, pendingRewards: 0 })

    // a second purchase pays nothing more
    await award(api, clerk, { scanToken: await scan(api, b, clerk), receiptNo: 'REF-2', amountFen: 99_00 })
    expect(await balance(a)).toBe(W + 200)
  })

  it('never re-attributes an existing member, and ignores unknown codes', async () => {
    const a = await api.loginMember('ref-a2')
    const existing = await api.loginMember('ref-existing')
    const again = (await devLogin('ref-existing', await inviteCodeOf(a))).body
    expect(again.isNewMember).toBe(false)
    expect(await referralModels(api.conn).Referral.findById(existing.member.memberId).lean()).toBeNull()
    const stranger = (await devLogin('ref-stranger', 'NOSUCHCODE')).body
    expect(stranger.isNewMember).toBe(true)
    expect(await referralModels(api.conn).Referral.findById(stranger.member.memberId).lean()).toBeNull()
  })

  it('refuses an invite from the same WeChat user (unionid)', async () => {
    const inviter = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-self-1', unionid: 'u-self' }) })
    const code = (await api.http.get('/api/me/invites').set(bearer(inviter.body.accessToken))).body.inviteCode
    const self = await api.http
      .post('/api/auth/wechat-login')
      .send({ code: api.wechat.loginCode({ openid: 'o-self-2', unionid: 'u-self' }), inviter: code })
    expect(self.status).toBe(200)
    expect(await referralModels(api.conn).Referral.findById(self.body.member.memberId).lean()).toBeNull()
  })

  it('attributes a friend once even when registration is retried concurrently', async () => {
    const a = await api.loginMember('ref-a3')
    const code = await inviteCodeOf(a)
    const results = await Promise.all(Array.from({ length: 5 }, () => devLogin('ref-concurrent', code)))
    const friendId = results[0]!.body.member.memberId
    expect(results.every((r) => r.body.member.memberId === friendId)).toBe(true)
    expect(await referralModels(api.conn).Referral.countDocuments({ inviterId: a.member.memberId })).toBe(1)
    expect(await api.ctx.services.ledger.head(friendId).then((h) => h.state.balance)).toBe(W + 50)
  })

  it('stops inviter rewards at the daily cap', async () => {
    await api.ctx.services.rules.replace({ referral: { inviterDailyCap: 2 } })
    api.clock.runFromStartOfHour() // the cap is per Shanghai day
    try {
      const a = await api.loginMember('ref-capped')
      const code = await inviteCodeOf(a)
      for (let i = 0; i < 3; i++) {
        const friend = (await devLogin(`ref-cap-friend-${i}`, code)).body as MemberLoginResponse
        await award(api, clerk, { scanToken: await scan(api, friend, clerk), receiptNo: `CAP-F${i}`, amountFen: 10_00 })
      }
      const summary = (await invites(a)).body
      expect(summary.friends.map((f: { status: string }) => f.status).sort()).toEqual([
        'capped',
        'rewarded',
        'rewarded',
      ])
      expect(await balance(a)).toBe(W + 400)
    } finally {
      api.clock.reset()
      await api.ctx.services.rules.replace({ referral: { inviterDailyCap: 5 } })
    }
  })

  it('reverses the inviter reward when the friend refunds the first purchase', async () => {
    const a = await api.loginMember('ref-refund-a')
    const b = (await devLogin('ref-refund-b', await inviteCodeOf(a))).body as MemberLoginResponse
    await award(api, clerk, { scanToken: await scan(api, b, clerk), receiptNo: 'REF-RF1', amountFen: 50_00 })
    expect(await balance(a)).toBe(W + 200)
    const refund = await api.http
      .post('/api/staff/purchases/REF-RF1/reverse')
      .set(bearer(manager))
      .send({ reason: 'refund' })
    expect(refund.status).toBe(200)
    expect(await balance(a)).toBe(W)
    expect((await invites(a)).body.friends[0].status).toBe('reversed')
    const report = await api.ctx.jobs.replayCheck()
    expect(report.differences).toEqual([])
  })

  it(
    'lets one of 20 first purchases at once qualify the ' + 'referral: one reward, clawed back only by that purchase',
    async () => {
      const a = await api.loginMember('ref-race-a')
      const b = (await devLogin('ref-race-b', await inviteCodeOf(a))).body as MemberLoginResponse
      const token = await scan(api, b, manager)
      const receipts = Array.from({ length: 20 }, (_, i) => `REF-RACE-${i}`)
      const results = await Promise.all(
        receipts.map((receiptNo) => award(api, manager, { scanToken: token, receiptNo, amountFen: 10_00 })),
      )
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(await balance(a)).toBe(W + 200)
      const ref = (await referralModels(api.conn).Referral.findById(b.member.memberId).lean())!
      expect(ref).toMatchObject({ status: 'rewarded', inviterRewardPoints: 200 })
      // reversing a purchase that did not qualify changes nothing; the qualifying one claws the reward back
      const other = receipts.find((r) => `RF:${r}` !== ref.qualifyingPurchase)!
      await api.http.post(`/api/staff/purchases/${other}/reverse`).set(bearer(manager)).send({ reason: 'refund' })
      expect(await balance(a)).toBe(W + 200)
      const qualifying = ref.qualifyingPurchase!.slice('RF:'.length)
      const refunds = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.http.post(`/api/staff/purchases/${qualifying}/reverse`).set(bearer(manager)).send({ reason: 'refund' }),
        ),
      )
      expect(refunds.filter((r) => r.status === 200 && !r.body.repeat)).toHaveLength(1)
      expect(await balance(a)).toBe(W)
      expect((await invites(a)).body.friends[0].status).toBe('reversed')
      expect((await api.ctx.jobs.replayCheck()).differences).toEqual([])
    },
  )

  it(
    'reopens a round whose qualifying purchase is refunded ' + 'before the reward: the next purchase qualifies',
    async () => {
      await api.ctx.services.rules.replace({ referral: { inviterDailyCap: 0 } })
      try {
        const a = await api.loginMember('ref-reopen-a')
        const b = (await devLogin('ref-reopen-b', await inviteCodeOf(a))).body as MemberLoginResponse
        await award(api, manager, { scanToken: await scan(api, b, manager), receiptNo: 'REF-RO1', amountFen: 10_00 })
        expect((await invites(a)).body.friends[0].status).toBe('capped')
        await api.http.post('/api/staff/purchases/REF-RO1/reverse').set(bearer(manager)).send({ reason: 'refund' })
        expect((await invites(a)).body.friends[0].status).toBe('registered')
        await api.ctx.services.rules.replace({ referral: { inviterDailyCap: 5 } })
        await award(api, manager, { scanToken: await scan(api, b, manager), receiptNo: 'REF-RO2', amountFen: 10_00 })
        expect((await invites(a)).body.friends[0]).toMatchObject({ status: 'rewarded', rewardPoints: 200 })
        expect(await balance(a)).toBe(W + 200)
      } finally {
        await api.ctx.services.rules.replace({ referral: { inviterDailyCap: 5 } })
      }
    },
  )
})
