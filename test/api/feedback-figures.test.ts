import type { FeedbackTicket } from '@mall/shared'
import { bearer, type TestApi } from '../support/api-harness'
import { feedbackAction, startFeedbackMall, submitFeedback } from '../support/feedback-helpers'

jest.setTimeout(60_000)

let api: TestApi
let operator: string

beforeAll(async () => {
  ;({ api, operator } = await startFeedbackMall())
})
afterAll(() => api.stop())

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
    expect(metric('feedback_awaiting').definition).toContain('最久已等待 1 小时')
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
