import { startTestApi, type TestApi } from '../support/api-harness'
import { award, redeem, scan } from '../support/points-helpers'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('S1')
})
afterAll(() => api.stop())

describe('replay checker', () => {
  it('finds 0 differences on an honest ledger and reports a tampered snapshot, delta or gap', async () => {
    const clerk = (await api.loginStaff('clerk-r', 'clerk', 'S1')).accessToken
    const members = await Promise.all(['r1', 'r2', 'r3'].map((n) => api.loginMember(`replay-${n}`)))
    for (const [i, m] of members.entries()) {
      const token = await scan(api, m, clerk)
      await award(api, clerk, { scanToken: token, receiptNo: `RP-${i}`, amountFen: (i + 1) * 100_00 })
      await redeem(api, clerk, { scanToken: token, points: 50, item: '礼品' }, `replay-spend-${i}`)
    }
    const honest = await api.ctx.jobs.replayCheck()
    expect(honest.members).toBe(3)
    expect(honest.entries).toBe(9)
    expect(honest.differences).toEqual([])

    const { Entry } = ledgerModels(api.conn)
    const [a, b, c] = members.map((m) => m.member.memberId) as [string, string, string]
    await Entry.updateOne({ _id: `${a}:2` }, { $set: { 'state.balance': 999_999 } })
    await Entry.updateOne({ _id: `${b}:3` }, { $set: { delta: -1 } })
    await Entry.deleteOne({ _id: `${c}:2` })
    const tampered = await api.ctx.jobs.replayCheck()
    const problems = tampered.differences.map((d) => `${d.memberId}:${d.seq}:${d.problem}`)
    expect(problems).toEqual(
      expect.arrayContaining([
        `${a}:2:stored state differs from replayed state`,
        `${b}:3:delta -1 != replayed -50`,
        expect.stringMatching(new RegExp(`^${c}:3:seq gap`)),
      ]),
    )
  })
})
