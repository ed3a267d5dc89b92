import type { FeedbackTicket, MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from '../support/api-harness'
import { feedbackAction, myTickets, startFeedbackMall, submitFeedback } from '../support/feedback-helpers'
import { feedbackModels } from '../../server/src/modules/feedback/feedback.model'

jest.setTimeout(60_000)

let api: TestApi
let a: MemberLoginResponse
let b: MemberLoginResponse
let operator: string

beforeAll(async () => {
  ;({ api, a, b, operator } = await startFeedbackMall())
})
afterAll(() => api.stop())

const mine = (m: MemberLoginResponse) => myTickets(api, m)

describe('operators handle tickets', () => {
  it(
    'assigns, replies and closes, with who/when in the history ' +
      'and the audit log; the member follows up and sees every step',
    async () => {
      const ticket = (await submitFeedback(api, b.accessToken, { category: 'environment', text: '三楼洗手间没有纸巾' }))
        .body as FeedbackTicket
      const open = await api.http.get('/api/ops/feedback?status=open&category=environment').set(bearer(operator))
      expect(open.status).toBe(200)
      expect(open.body).toMatchObject({
        total: 1,
        page: 1,
        pageSize: 20,
        items: [{ ticketId: ticket.ticketId, status: 'open' }],
      })

      const assigned = await feedbackAction(api, operator, ticket.ticketId, 'assign', { assignee: '物业部' })
      expect(assigned.status).toBe(200)
      expect(assigned.body).toMatchObject({ status: 'assigned', assignee: '物业部', firstResponseAt: null })
      const replied = await feedbackAction(api, operator, ticket.ticketId, 'reply', {
        text: '已安排保洁补充，感谢反馈',
      })
      expect(replied.body).toMatchObject({ status: 'replied', firstResponseAt: expect.any(String) })

      // The member sees the reply, without staff usernames.
      const seen = (await mine(b)).find((t) => t.ticketId === ticket.ticketId)!
      expect(seen.status).toBe('replied')
      expect(seen.history.map((e) => [e.action, e.status, e.text, e.actorId])).toEqual([
        ['submit', 'open', null, null],
        ['assign', 'assigned', '物业部', null],
        ['reply', 'replied', '已安排保洁补充，感谢反馈', null],
      ])

      const followUp = await api.http
        .post(`/api/me/feedback/${ticket.ticketId}/follow-up`)
        .set(bearer(b.accessToken))
        .send({ text: '晚上还是没有' })
      expect(followUp.status).toBe(200)
      expect(followUp.body).toMatchObject({
        status: 'assigned',
        assignee: '物业部',
        firstResponseAt: replied.body.firstResponseAt,
      })
      await feedbackAction(api, operator, ticket.ticketId, 'reply', { text: '已增加晚间巡查' })
      const closed = await feedbackAction(api, operator, ticket.ticketId, 'close', { resolution: '增加巡查频次' })
      expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) })

      const detail = (await api.http.get(`/api/ops/feedback/${ticket.ticketId}`).set(bearer(operator)))
        .body as FeedbackTicket
      expect(detail.history.map((e) => [e.action, e.actor, e.actorId, e.status])).toEqual([
        ['submit', 'member', b.member.memberId, 'open'],
        ['assign', 'staff', 'fb-operator', 'assigned'],
        ['reply', 'staff', 'fb-operator', 'replied'],
        ['follow_up', 'member', b.member.memberId, 'assigned'],
        ['reply', 'staff', 'fb-operator', 'replied'],
        ['close', 'staff', 'fb-operator', 'closed'],
      ])
      expect(detail.history.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true)
      expect(
        (await api.http.get('/api/ops/feedback?status=closed').set(bearer(operator))).body.items.map(
          (t: FeedbackTicket) => t.ticketId,
        ),
      ).toContain(ticket.ticketId)

      const audit = (
        await api.http
          .get('/api/ops/audit?staffId=fb-operator&action=POST%20%2Fapi%2Fops%2Ffeedback&pageSize=100')
          .set(bearer(operator))
      ).body.items
      // (sorted: the audit rows carry wall-clock times, which may tie within a millisecond)
      expect(
        audit
          .map((r: { action: string; target: { id: string }; outcome: string }) => [r.action, r.target.id, r.outcome])
          .sort(),
      ).toEqual([
        ['POST /api/ops/feedback/:id/assign', ticket.ticketId, 'ok'],
        ['POST /api/ops/feedback/:id/close', ticket.ticketId, 'ok'],
        ['POST /api/ops/feedback/:id/reply', ticket.ticketId, 'ok'],
        ['POST /api/ops/feedback/:id/reply', ticket.ticketId, 'ok'],
      ])
      expect(audit.find((r: { action: string }) => r.action.endsWith('/assign')).target.assignee).toBe('物业部')
    },
  )

  it('refuses invalid transitions with 409 FEEDBACK.INVALID_TRANSITION and changes nothing', async () => {
    const ticket = (await submitFeedback(api, a.accessToken, { category: 'activity', text: '会员日活动时间太短' }))
      .body as FeedbackTicket
    const expect409 = async (
      res: { status: number; body: { error?: { code: string; details?: unknown } } },
      status: string,
    ) => {
      expect({ status: res.status, code: res.body.error?.code, details: res.body.error?.details }).toEqual({
        status: 409,
        code: 'FEEDBACK.INVALID_TRANSITION',
        details: expect.objectContaining({ status }),
      })
    }
    // not assigned yet
    await expect409(await feedbackAction(api, operator, ticket.ticketId, 'reply', { text: '先回复' }), 'open')
    await expect409(
      await api.http
        .post(`/api/me/feedback/${ticket.ticketId}/follow-up`)
        .set(bearer(a.accessToken))
        .send({ text: '补充' }),
      'open',
    )
    expect(
      (await feedbackAction(api, operator, ticket.ticketId, 'close', { resolution: '已转活动部评估' })).status,
    ).toBe(200)
    for (const [action, body] of [
      ['assign', { assignee: '活动部' }],
      ['reply', { text: '再回复' }],
      ['close', { resolution: '再关闭' }],
    ] as const) {
      await expect409(await feedbackAction(api, operator, ticket.ticketId, action, body), 'closed')
    }
    const after = (await api.http.get(`/api/ops/feedback/${ticket.ticketId}`).set(bearer(operator)))
      .body as FeedbackTicket
    expect(after.history.map((e) => e.action)).toEqual(['submit', 'close'])
    // the audit log records refused attempts too
    const refused = (await api.http.get('/api/ops/audit?outcome=FEEDBACK.INVALID_TRANSITION').set(bearer(operator)))
      .body.items
    expect(refused.length).toBe(4)
  })

  it('lets two operators race on one ticket: exactly one close wins', async () => {
    const ticket = (await submitFeedback(api, a.accessToken, { category: 'other', text: '并发关闭' }))
      .body as FeedbackTicket
    const results = await Promise.all(
      [1, 2, 3].map((i) => feedbackAction(api, operator, ticket.ticketId, 'close', { resolution: `关闭 ${i}` })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409])
    const after = (await api.http.get(`/api/ops/feedback/${ticket.ticketId}`).set(bearer(operator)))
      .body as FeedbackTicket
    expect(after.history.filter((e) => e.action === 'close')).toHaveLength(1)
  })

  it('finishes a change whose writer died after claiming it, before the next one', async () => {
    const ticket = (await submitFeedback(api, a.accessToken, { category: 'membership', text: '积分没到账' }))
      .body as FeedbackTicket
    // A process claimed "assign" (rev 2) and was killed before updating the ticket row.
    const event = {
      at: api.clock.now(),
      actor: 'staff',
      actorId: 'fb-operator',
      action: 'assign',
      status: 'assigned',
      text: '会员中心',
    }
    await feedbackModels(api.conn).Change.collection.insertOne({
      _id: `${ticket.ticketId}#2`,
      ticketId: ticket.ticketId,
      rev: 2,
      event,
    } as never)
    const replied = await feedbackAction(api, operator, ticket.ticketId, 'reply', { text: '已补发积分' })
    expect(replied.status).toBe(200)
    expect(replied.body).toMatchObject({ status: 'replied', assignee: '会员中心' })
    expect(replied.body.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'assign', 'reply'])
  })

  it(
    'shows a member the ticket its change rows make, even ' + 'when the ticket row lags (a crash, a late older write)',
    async () => {
      const ticket = (await submitFeedback(api, a.accessToken, { category: 'membership', text: '停车券' }))
        .body as FeedbackTicket
      const event = {
        at: api.clock.now(),
        actor: 'staff',
        actorId: 'fb-operator',
        action: 'reply',
        status: 'replied',
        text: '已处理',
      }
      await feedbackModels(api.conn).Change.collection.insertOne({
        _id: `${ticket.ticketId}#2`,
        ticketId: ticket.ticketId,
        rev: 2,
        event,
      } as never)
      const seen = (await api.http.get(`/api/me/feedback/${ticket.ticketId}`).set(bearer(a.accessToken)))
        .body as FeedbackTicket
      expect(seen).toMatchObject({ status: 'replied' })
      expect(seen.history.map((e) => e.action)).toEqual(['submit', 'reply'])
    },
  )

  it('keeps every winning change of 20 concurrent operator actions exactly once, in rev order', async () => {
    const ticket = (await submitFeedback(api, a.accessToken, { category: 'other', text: '并发处理' }))
      .body as FeedbackTicket
    const actions = Array.from({ length: 20 }, (_, i): ['assign' | 'reply' | 'close', Record<string, string>] =>
      i % 3 === 0
        ? ['assign', { assignee: `组${i}` }]
        : i % 3 === 1
          ? ['reply', { text: `回复${i}` }]
          : ['close', { resolution: `关闭${i}` }],
    )
    const results = await Promise.all(
      actions.map(([action, body]) => feedbackAction(api, operator, ticket.ticketId, action, body)),
    )
    for (const r of results) expect([200, 409]).toContain(r.status)
    const after = (await api.http.get(`/api/ops/feedback/${ticket.ticketId}`).set(bearer(operator)))
      .body as FeedbackTicket
    const changes = await feedbackModels(api.conn).Change.countDocuments({ ticketId: ticket.ticketId })
    expect(after.history).toHaveLength(changes + 1) // the submit is the ticket's own first rev
    expect(after.history.length - 1).toBe(results.filter((r) => r.status === 200).length)
  })

  it('validates operator input, pages the queue, and is for operators only', async () => {
    const ticketId = (await mine(a))[0]!.ticketId
    for (const [action, body] of [
      ['assign', { assignee: '' }],
      ['assign', { assignee: 'x'.repeat(41) }],
      ['reply', { text: '' }],
      ['close', {}],
      ['close', { resolution: 'ok', extra: 1 }],
    ] as const) {
      expect((await feedbackAction(api, operator, ticketId, action, body)).status).toBe(400)
    }
    expect(
      (await feedbackAction(api, operator, `${a.member.memberId}-999`, 'assign', { assignee: '客服' })).status,
    ).toBe(404)
    expect((await api.http.get('/api/ops/feedback?status=pending').set(bearer(operator))).status).toBe(400)
    expect((await api.http.get('/api/ops/feedback?pageSize=500').set(bearer(operator))).status).toBe(400)

    const total = (await api.http.get('/api/ops/feedback').set(bearer(operator))).body.total as number
    const page1 = (await api.http.get('/api/ops/feedback?pageSize=2&page=1').set(bearer(operator))).body
    const page2 = (await api.http.get('/api/ops/feedback?pageSize=2&page=2').set(bearer(operator))).body
    expect(page1).toMatchObject({ total, page: 1, pageSize: 2 })
    expect(page1.items).toHaveLength(2)
    expect(page1.items[0].createdAt >= page1.items[1].createdAt).toBe(true)
    expect(page2.items.map((t: FeedbackTicket) => t.ticketId)).not.toContain(page1.items[0].ticketId)
    expect(JSON.stringify(page1)).not.toContain('base64')

    const manager = (await api.loginStaff('fb-manager', 'manager', 'FB1')).accessToken
    expect((await api.http.get('/api/ops/feedback').set(bearer(manager))).status).toBe(403)
    expect((await feedbackAction(api, manager, ticketId, 'close', { resolution: 'x' })).status).toBe(403)
    expect((await api.http.get('/api/ops/feedback').set(bearer(a.accessToken))).status).toBe(401)
  })
})
