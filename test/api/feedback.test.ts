import type { MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from '../support/api-harness'
import {
  PNG_1X1,
  PNG_1X1_DATA_URL,
  feedbackKey,
  myTickets,
  startFeedbackMall,
  submitFeedback,
} from '../support/feedback-helpers'
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

const ticketCount = () => feedbackModels(api.conn).Ticket.countDocuments()
const mine = (m: MemberLoginResponse) => myTickets(api, m)

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
