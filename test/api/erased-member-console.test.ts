import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { auditModel } from '../../server/src/modules/audit/audit.model'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { memberAdminModels } from '../../server/src/modules/member-admin/member-admin.model'
import { memberModels } from '../../server/src/modules/members/member.model'

/**
 * The operator console and an erased account (注销账号, issue 21): once the erase job has run, the member
 * number names a pseudonymised row that is no one, so points adjustments (at once or by a second operator's
 * approval of a request made before), freezing, unfreezing and revealing a field are each refused with
 * 409 MEMBER.ERASED, and nothing is written: no ledger entry, no freeze row, no request or decision, no
 * reveal recorded as answered. The member list marks the row 注销中 / 已注销 and the member page says erased.
 */
jest.setTimeout(120_000)

const DAY = 86_400_000
const REVEAL = 'POST /api/ops/members/:id/reveal'
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

// Staff sign in again for each call: the test moves the clock by days and access tokens last minutes.
const signIn = async (username: string) => (await api.loginStaff(username, 'operator', null)).accessToken
const adjust = async (memberId: string, points: number, username = 'erased-maker') =>
  api.http
    .post(`/api/ops/members/${memberId}/points-adjustments`)
    .set(bearer(await signIn(username)))
    .send({ points, reason: '测试积分' })

/** The console's member list row's 注销中/已注销 mark and the member page's erased flag. */
const consoleMarks = async (memberId: string) => {
  const token = await signIn('erased-viewer')
  const list = await api.http.get(`/api/ops/members?q=${memberId}`).set(bearer(token))
  const detail = await api.http.get(`/api/ops/members/${memberId}`).set(bearer(token))
  const row = (list.body.items as { memberId: string; deletion?: string }[]).find((r) => r.memberId === memberId)
  return { listed: row?.deletion ?? 'none', erased: detail.body.erased }
}

/** Everything the refused actions could have written about the member. */
const written = async (memberId: string) => {
  const admin = memberAdminModels(api.conn)
  const requests = await admin.Request.find({ memberId }, { _id: 1, state: 1 }).lean().exec()
  return {
    ledgerEntries: await ledgerModels(api.conn).Entry.countDocuments({ memberId }),
    freezeRows: await admin.Freeze.countDocuments({ memberId }),
    requests: requests.map((r) => `${r._id}:${r.state}`).sort(),
    decisions: (await admin.Decision.find({}, { requestId: 1 }).lean().exec()).filter((d) =>
      requests.some((r) => r._id === d.requestId),
    ).length,
    revealsAnswered: await auditModel(api.conn).countDocuments({
      action: REVEAL,
      outcome: 'ok',
      'target.id': memberId,
    }),
    member: await memberModels(api.conn).Member.findById(memberId).lean().exec(),
  }
}

describe('an erased member in the operator console', () => {
  it('refuses adjustments, approvals, freezing and reveals with 409 MEMBER.ERASED, writing nothing', async () => {
    const m = await api.loginByWechat('o-erased-console')
    const memberId = m.member.memberId
    expect(await consoleMarks(memberId)).toEqual({ listed: 'none', erased: false })
    expect((await adjust(memberId, 300)).status).toBe(201)
    // A large adjustment asked for before the erasure, waiting for a second operator.
    const pending = await adjust(memberId, 6000)
    expect([pending.status, pending.body.state]).toEqual([201, 'pending'])

    const asked = await api.http.post('/api/me/account-deletion').set(bearer(m.accessToken)).send({ confirm: true })
    expect(asked.status).toBe(200)
    api.clock.advance(7 * DAY + 1000)
    expect(await api.ctx.jobs.eraseDeletedAccounts(api.clock.now())).toEqual({ erased: 1 })

    const before = await written(memberId)
    expect(before.member?.erasedAt).toBeTruthy()
    expect(await consoleMarks(memberId)).toEqual({ listed: 'erased', erased: true })
    const operator = await signIn('erased-checker')
    const refusals = {
      small: await adjust(memberId, 100),
      large: await adjust(memberId, -6000),
      approve: await api.http
        .post(`/api/ops/member-requests/${pending.body.requestId}/approve`)
        .set(bearer(operator))
        .send({}),
      freeze: await api.http.post(`/api/ops/members/${memberId}/freeze`).set(bearer(operator)).send({ reason: '核查' }),
      unfreeze: await api.http
        .post(`/api/ops/members/${memberId}/unfreeze`)
        .set(bearer(operator))
        .send({ reason: '核查' }),
      reveal: await api.http
        .post(`/api/ops/members/${memberId}/reveal`)
        .set(bearer(operator))
        .send({ field: 'nickname', reason: '会员来电核实身份' }),
    }
    for (const [action, res] of Object.entries(refusals)) {
      expect([action, res.status, res.body.error?.code]).toEqual([action, 409, 'MEMBER.ERASED'])
    }
    expect(await written(memberId)).toEqual(before)

    // The request made before the erasure can still be taken off the queue.
    const rejected = await api.http
      .post(`/api/ops/member-requests/${pending.body.requestId}/reject`)
      .set(bearer(operator))
      .send({ reason: '会员已注销' })
    expect([rejected.status, rejected.body.state]).toEqual([200, 'rejected'])
    expect((await written(memberId)).ledgerEntries).toBe(before.ledgerEntries)
  })

  it('refuses every one of 20 concurrent adjustments and freezes of an erased member', async () => {
    const m = await api.loginByWechat('o-erased-console-race')
    const memberId = m.member.memberId
    expect(
      (await api.http.post('/api/me/account-deletion').set(bearer(m.accessToken)).send({ confirm: true })).status,
    ).toBe(200)
    expect(await consoleMarks(memberId)).toEqual({ listed: 'pending', erased: false })
    api.clock.advance(7 * DAY + 1000)
    expect(await api.ctx.jobs.eraseDeletedAccounts(api.clock.now())).toEqual({ erased: 1 })

    const before = await written(memberId)
    const operator = await signIn('erased-racer')
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? api.http
              .post(`/api/ops/members/${memberId}/points-adjustments`)
              .set(bearer(operator))
              .send({ points: 50, reason: '并发测试' })
          : api.http.post(`/api/ops/members/${memberId}/freeze`).set(bearer(operator)).send({ reason: '并发测试' }),
      ),
    )
    expect(answers.map((r) => `${r.status} ${r.body.error?.code}`)).toEqual(Array(20).fill('409 MEMBER.ERASED'))
    expect(await written(memberId)).toEqual(before)
  })
})
