import type { FeedbackTicket, MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { PNG_1X1, PNG_1X1_DATA_URL, feedbackAction, feedbackKey, submitFeedback } from '../support/feedback-helpers'
import { feedbackModels } from '../../server/src/modules/feedback/feedback.model'

jest.setTimeout(60_000)

let api: TestApi
let a: MemberLoginResponse
let b: MemberLoginResponse
let operator: string

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('FB1')
  a = await api.loginMember('fb-a')
  b = await api.loginMember('fb-b')
  operator = (await api.loginStaff('fb-operator', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const ticketCount = () => feedbackModels(api.conn).Ticket.countDocuments()
const mine = async (m: MemberLoginResponse) =>
  (await api.http.get('/api/me/feedback').set(bearer(m.accessToken))).body.items as FeedbackTicket[]

describe('member feedback', () => {
  it('submits a ticket with a photo; lists carry only a flag, the photo comes from its own route', async () => {
    const res = await submitFeedback(api, a.accessToken, {
      category: 'parking',
      text: '  B2 停车场入口排队太久  ',
      photo: PNG_1X1_DATA_URL,
      storeId: 'FB1',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      ticketId: `${a.member.memberId}-1`,
      memberId: a.member.memberId,
      category: 'parking',
      text: 'B2 停车场入口排队太久',
      storeId: 'FB1',
      hasPhoto: true,
      status: 'open',
      assignee: null,
      firstResponseAt: null,
      closedAt: null,
      history: [{ actor: 'member', actorId: null, action: 'submit', status: 'open', text: null }],
    })
    expect(JSON.stringify(res.body)).not.toContain('base64')

    const list = await api.http.get('/api/me/feedback').set(bearer(a.accessToken))
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(1)
    expect(JSON.stringify(list.body)).not.toContain('base64')
    const one = await api.http.get(`/api/me/feedback/${res.body.ticketId}`).set(bearer(a.accessToken))
    expect(one.body).toEqual(res.body)

    const photo = await api.http
      .get(`/api/me/feedback/${res.body.ticketId}/photo`)
      .set(bearer(a.accessToken))
      .buffer(true)
    expect(photo.status).toBe(200)
    expect(photo.headers['content-type']).toBe('image/png')
    expect(photo.headers['cache-control']).toBe('private, no-store')
    expect(Buffer.compare(photo.body as Buffer, PNG_1X1)).toBe(0)
    const asOperator = await api.http
      .get(`/api/ops/feedback/${res.body.ticketId}/photo`)
      .set(bearer(operator))
      .buffer(true)
    expect(Buffer.compare(asOperator.body as Buffer, PNG_1X1)).toBe(0)

    const noPhoto = await submitFeedback(api, a.accessToken, { category: 'service', text: '服务台很热情' })
    expect(noPhoto.body).toMatchObject({ ticketId: `${a.member.memberId}-2`, hasPhoto: false, storeId: null })
    expect(
      (await api.http.get(`/api/me/feedback/${noPhoto.body.ticketId}/photo`).set(bearer(a.accessToken))).body.error
        .code,
    ).toBe('FEEDBACK.NO_PHOTO')
    // newest first
    expect((await mine(a)).map((t) => t.ticketId)).toEqual([noPhoto.body.ticketId, res.body.ticketId])
  })

  it('creates one ticket for a double tap with the same Idempotency-Key, and requires the key', async () => {
    const before = await ticketCount()
    const key = feedbackKey()
    const body = { category: 'goods', text: '希望增加母婴室', photo: PNG_1X1_DATA_URL }
    const [first, second] = await Promise.all([
      submitFeedback(api, b.accessToken, body, key),
      submitFeedback(api, b.accessToken, body, key),
    ])
    expect([first.status, second.status]).toEqual([201, 201])
    expect(second.body.ticketId).toBe(first.body.ticketId)
    expect(await ticketCount()).toBe(before + 1)
    expect(await feedbackModels(api.conn).Photo.countDocuments({ memberId: b.member.memberId })).toBe(1)
    const again = await submitFeedback(api, b.accessToken, body, key)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body.ticketId).toBe(first.body.ticketId)

    const noKey = await api.http.post('/api/me/feedback').set(bearer(b.accessToken)).send(body)
    expect(noKey.status).toBe(400)
    expect(await ticketCount()).toBe(before + 1)
  })

  it("answers 404 for another member's ticket, as for one that does not exist", async () => {
    const ticketId = (await mine(a))[0]!.ticketId
    for (const path of [
      `/api/me/feedback/${ticketId}`,
      `/api/me/feedback/${ticketId}/photo`,
      `/api/me/feedback/${a.member.memberId}-99`,
    ]) {
      const res = await api.http.get(path).set(bearer(b.accessToken))
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 404,
        code: 'FEEDBACK.NOT_FOUND',
      })
    }
    const followUp = await api.http
      .post(`/api/me/feedback/${ticketId}/follow-up`)
      .set(bearer(b.accessToken))
      .send({ text: '不是我的' })
    expect(followUp.status).toBe(404)
    expect((await api.http.get('/api/me/feedback/not-an-id').set(bearer(b.accessToken))).status).toBe(400)
    expect((await mine(b)).every((t) => t.memberId === b.member.memberId)).toBe(true)
  })

  it('refuses bad input with 400 (413 past the body limit) and writes nothing', async () => {
    const before = await ticketCount()
    const big = (bytes: number) => `data:image/jpeg;base64,/9j/${'A'.repeat(Math.ceil((bytes * 4) / 3 / 4) * 4 - 4)}`
    const cases: [Record<string, unknown>, number][] = [
      [{ category: 'weather', text: '下雨' }, 400],
      [{ category: '停车', text: '中文类别不是代码' }, 400],
      [{ category: 'parking', text: '' }, 400],
      [{ category: 'parking', text: '   ' }, 400],
      [{ category: 'parking', text: 'x'.repeat(1001) }, 400],
      [{ category: 'parking' }, 400],
      [{ category: 'parking', text: 'ok', status: 'closed' }, 400],
      [{ category: 'parking', text: 'ok', photo: 'https://example.com/x.png' }, 400],
      [{ category: 'parking', text: 'ok', photo: PNG_1X1_DATA_URL.replace('image/png', 'image/gif') }, 400],
      // bytes are a PNG
      [{ category: 'parking', text: 'ok', photo: PNG_1X1_DATA_URL.replace('image/png', 'image/jpeg') }, 400],
      [{ category: 'parking', text: 'ok', photo: big(310 * 1024) }, 400], // over 300 KB decoded, under the body limit
      [{ category: 'parking', text: 'ok', photo: big(400 * 1024) }, 413], // over the route's 450 KB body limit
      [{ category: 'parking', text: 'ok', storeId: 'NOPE' }, 404],
      [{ category: 'parking', text: 'ok', storeId: { $ne: null } }, 400],
    ]
    for (const [body, status] of cases) {
      const res = await submitFeedback(api, a.accessToken, body)
      expect({ body: JSON.stringify(body).slice(0, 80), status: res.status }).toEqual({
        body: JSON.stringify(body).slice(0, 80),
        status,
      })
      expect(res.body.error.code).toEqual(expect.any(String))
    }
    // 300 KB exactly is fine
    const ok = await submitFeedback(api, a.accessToken, { category: 'other', text: '大图', photo: big(300 * 1024) })
    expect(ok.status).toBe(201)
    expect(await ticketCount()).toBe(before + 1)
    // The larger limit is only for a logged-in member: without a token the body is never read.
    const anonymous = await api.http
      .post('/api/me/feedback')
      .set('Idempotency-Key', feedbackKey())
      .send({ category: 'other', text: 'x', photo: big(300 * 1024) })
    expect(anonymous.status).toBe(401)
    // Other routes keep the 64 KB limit.
    expect(
      (
        await api.http
          .post('/api/me/checkin/reminder')
          .set(bearer(a.accessToken))
          .send({ subscribe: true, pad: 'x'.repeat(70_000) })
      ).status,
    ).toBe(413)
  })
})

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

describe('feedback figures on the dashboard', () => {
  it('matches response times, resolution rate and category shares computed by hand', async () => {
    // Day 2026-10-15 (Shanghai). Tokens live 15 minutes, so each step logs in at the clock's time.
    const at = (hhmm: string) => api.clock.set(`2026-10-15T${hhmm}:00+08:00`)
    const member = async () => (await api.loginMember('fb-kpi')).accessToken
    const op = async () => (await api.loginStaff('fb-operator', 'operator', null)).accessToken

    at('10:00')
    const t1 = (await submitFeedback(api, await member(), { category: 'parking', text: '出口缴费慢', storeId: 'FB1' }))
      .body.ticketId
    at('10:05')
    await feedbackAction(api, await op(), t1, 'assign', { assignee: '停车场' })
    at('10:20') // first response after 20 min
    await feedbackAction(api, await op(), t1, 'reply', { text: '已加开一个出口' })
    at('10:30')
    const t2 = (await submitFeedback(api, await member(), { category: 'service', text: '导购很专业' })).body.ticketId
    at('10:40') // closed straight away: responded and resolved after 10 min
    await feedbackAction(api, await op(), t2, 'close', { resolution: '感谢表扬，已转达门店' })
    at('11:00') // resolved after 60 min
    await feedbackAction(api, await op(), t1, 'close', { resolution: '高峰期加开出口' })
    const t3 = (await submitFeedback(api, await member(), { category: 'parking', text: '车位引导屏不亮' })).body
      .ticketId
    expect(t3).toBeTruthy()

    at('12:00')
    const report = (await api.http.get('/api/ops/kpis?from=2026-10-15&to=2026-10-15').set(bearer(await op()))).body
    const metric = (key: string) => report.metrics.find((m: { key: string }) => m.key === key)
    expect(metric('feedback_tickets').value).toBe(3)
    expect(metric('feedback_first_response').value).toBe(15) // median of 20 and 10
    expect(metric('feedback_resolution_time').value).toBe(35) // median of 60 and 10
    expect(metric('feedback_resolution_rate').value).toBe(66.67) // 2 of 3
    expect(metric('feedback_awaiting')).toMatchObject({ value: 1, unit: '件' }) // t3, waiting 60 min
    expect(metric('feedback_awaiting').definition).toContain('60 分钟')
    for (const key of [
      'feedback_tickets',
      'feedback_first_response',
      'feedback_resolution_time',
      'feedback_resolution_rate',
    ])
      expect(metric(key).definition).toMatch(/区间内/)
    const table = report.tables.find((t: { key: string }) => t.key === 'feedback_categories')
    expect(table.columns).toEqual(['类别', '反馈数', '占比%', '已解决'])
    expect(table.rows).toEqual([
      ['商品', 0, 0, 0],
      ['服务', 1, 33.33, 1],
      ['环境', 0, 0, 0],
      ['停车', 2, 66.67, 1],
      ['活动', 0, 0, 0],
      ['积分与会员', 0, 0, 0],
      ['其他', 0, 0, 0],
    ])

    // Store filter: only t1 names store FB1 (responded after 20 min, resolved after 60).
    const store = (
      await api.http.get('/api/ops/kpis?from=2026-10-15&to=2026-10-15&storeId=FB1').set(bearer(await op()))
    ).body
    const storeMetric = (key: string) => store.metrics.find((m: { key: string }) => m.key === key).value
    expect([
      storeMetric('feedback_tickets'),
      storeMetric('feedback_first_response'),
      storeMetric('feedback_resolution_time'),
      storeMetric('feedback_resolution_rate'),
    ]).toEqual([1, 20, 60, 100])
    // Another day: nothing, and no medians (null: the console shows 暂无数据, not "0 分钟").
    const empty = (await api.http.get('/api/ops/kpis?from=2026-10-16&to=2026-10-16').set(bearer(await op()))).body
    expect(
      empty.metrics
        .filter((m: { key: string }) => m.key.startsWith('feedback_'))
        .map((m: { value: number }) => m.value),
    ).toEqual([0, null, null, 0, 0])
    api.clock.runFrom(new Date())
  })
})

describe('feedback on the member detail page', () => {
  it("lists one member's tickets for operators, with staff names, and nobody else's", async () => {
    const m = await api.loginMember('fb-detail')
    const t = (await submitFeedback(api, m.accessToken, { category: 'service', text: '导购态度很好，表扬一下' })).body
    expect((await feedbackAction(api, operator, t.ticketId, 'assign', { assignee: '客服中心' })).status).toBe(200)
    const res = await api.http.get(`/api/ops/members/${m.member.memberId}/feedback`).set(bearer(operator))
    expect(res.status).toBe(200)
    expect(res.body.items.map((x: FeedbackTicket) => x.ticketId)).toEqual([t.ticketId])
    expect(res.body.items[0].history.find((e: { action: string }) => e.action === 'assign').actorId).toEqual(
      expect.any(String),
    )
    expect((await api.http.get('/api/ops/members/99999999/feedback').set(bearer(operator))).status).toBe(404)
    expect(
      (await api.http.get(`/api/ops/members/${m.member.memberId}/feedback`).set(bearer(m.accessToken))).status,
    ).toBe(401)
  })
})
