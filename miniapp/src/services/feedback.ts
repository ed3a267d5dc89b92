import Taro from '@tarojs/taro'
import { feedbackTicket, type FeedbackSubmitRequest, type FeedbackTicket } from '@mall/shared'
import { ApiError, api, itemsOf, refreshSession, request } from './api'
import { readTokens } from './token-store'

/** Member feedback (意见反馈) endpoints, validated against the @mall/shared feedback contracts. */

export const FEEDBACK_PAGE = '/pages/feedback/index'
const UPLOAD_TIMEOUT_MS = 30_000
const ticketList = itemsOf(feedbackTicket)

/** My tickets, newest first, with their replies. */
export async function fetchMyFeedback(): Promise<FeedbackTicket[]> {
  return (await api.get('/api/me/feedback', ticketList)).items
}

/** Submits a ticket; `idempotencyKey` makes a retried tap replay the first result instead of filing twice. */
export function submitFeedback(body: FeedbackSubmitRequest, idempotencyKey: string): Promise<FeedbackTicket> {
  return request('/api/me/feedback', {
    method: 'POST',
    data: body,
    schema: feedbackTicket,
    headers: { 'Idempotency-Key': idempotencyKey },
    timeout: body.photo ? UPLOAD_TIMEOUT_MS : undefined,
  })
}

/** Answers a reply (not satisfied / more detail): the ticket goes back to its handler. */
export function followUpFeedback(ticketId: string, text: string): Promise<FeedbackTicket> {
  return api.post(`/api/me/feedback/${encodeURIComponent(ticketId)}/follow-up`, { text }, feedbackTicket)
}

/**
 * The photo of one of my tickets as a local file path an <Image> can show. downloadFile (not
 * request) because the answer is image bytes; it carries the bearer token, refreshed once on 401.
 * weapp: the API host must also be a downloadFile domain in the mini-program settings.
 */
export async function downloadFeedbackPhoto(ticketId: string): Promise<string> {
  const url = `${API_BASE}/api/me/feedback/${encodeURIComponent(ticketId)}/photo`
  for (let attempt = 0; ; attempt++) {
    const tokens = readTokens()
    let res: { statusCode: number; tempFilePath: string }
    try {
      res = await Taro.downloadFile({ url, header: tokens ? { Authorization: `Bearer ${tokens.accessToken}` } : {} })
    } catch {
      throw new ApiError('CLIENT.NETWORK', 0)
    }
    if (res.statusCode === 200) return res.tempFilePath
    if (res.statusCode === 401 && attempt === 0 && (await refreshSession()) === 'ok') continue
    throw new ApiError(
      res.statusCode === 401 ? 'AUTH.TOKEN_EXPIRED' : res.statusCode === 404 ? 'FEEDBACK.NO_PHOTO' : 'INTERNAL',
      res.statusCode,
    )
  }
}
