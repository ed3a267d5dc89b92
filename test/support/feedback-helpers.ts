import type { FeedbackTicket, MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'

/** A real 1×1 PNG (red pixel): the smallest photo the server accepts. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
)
export const PNG_1X1_DATA_URL = `data:image/png;base64,${PNG_1X1.toString('base64')}`

let keys = 0
export const feedbackKey = () => `fb-${Date.now().toString(36)}-${++keys}`

/** POST /api/me/feedback with an Idempotency-Key (a fresh one unless given). */
export function submitFeedback(
  api: TestApi,
  memberToken: string,
  body: Record<string, unknown>,
  idempotencyKey = feedbackKey(),
) {
  return api.http.post('/api/me/feedback').set(bearer(memberToken)).set('Idempotency-Key', idempotencyKey).send(body)
}

/** An operator's assign / reply / close on a ticket. */
export function feedbackAction(
  api: TestApi,
  operatorToken: string,
  ticketId: string,
  action: 'assign' | 'reply' | 'close',
  body: Record<string, unknown>,
) {
  return api.http.post(`/api/ops/feedback/${ticketId}/${action}`).set(bearer(operatorToken)).send(body)
}

/** The feedback tests' mall: store FB1, members fb-a and fb-b, operator fb-operator. */
export async function startFeedbackMall() {
  const api = await startTestApi()
  await api.addStore('FB1')
  const a = await api.loginMember('fb-a')
  const b = await api.loginMember('fb-b')
  const operator = (await api.loginStaff('fb-operator', 'operator', null)).accessToken
  return { api, a, b, operator }
}

/** The member's own tickets, newest first. */
export const myTickets = async (api: TestApi, m: MemberLoginResponse) =>
  (await api.http.get('/api/me/feedback').set(bearer(m.accessToken))).body.items as FeedbackTicket[]
