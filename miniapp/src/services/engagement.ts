import Taro from '@tarojs/taro'
import {
  checkinResult,
  checkinStatus,
  inviteSummary,
  type CheckinResult,
  type CheckinStatus,
  type InviteSummary,
} from '@mall/shared'
import { api, request, type Schema } from './api'

/**
 * Daily check-in and invite endpoints, validated against the @mall/shared engagement contracts
 * like the points and coupon services.
 */

export const CHECKIN_PAGE = '/pages/checkin/index'
export const INVITE_PAGE = '/pages/invite/index'

const isWeapp = process.env.TARO_ENV === 'weapp'

/** `month` = 'YYYY-MM'; omitted = the server's current (Shanghai) month. */
export function fetchCheckinStatus(month?: string | null): Promise<CheckinStatus> {
  return api.get(`/api/me/checkin${month ? `?month=${encodeURIComponent(month)}` : ''}`, checkinStatus)
}

/** Today's check-in. Repeating it on the same day replays the first result (no second reward). */
export function checkIn(): Promise<CheckinResult> {
  return api.post('/api/me/checkin', {}, checkinResult)
}

/** 补签 a missed day of the current month with one make-up card. */
export function makeupCheckin(day: string): Promise<CheckinResult> {
  return api.post('/api/me/checkin/makeup', { day }, checkinResult)
}

const cardPurchase: Schema<{ cardId: string; makeupCards: number }> = {
  parse(data: unknown) {
    const d = data as { cardId?: unknown; makeupCards?: unknown } | null
    if (typeof d?.cardId !== 'string' || typeof d.makeupCards !== 'number') throw new Error('makeup card: bad shape')
    return { cardId: d.cardId, makeupCards: d.makeupCards }
  },
}

/** Buys one make-up card with points; `idempotencyKey` makes a retried tap replay the first purchase. */
export function buyMakeupCard(idempotencyKey: string): Promise<{ cardId: string; makeupCards: number }> {
  return request('/api/me/checkin/makeup-cards', {
    method: 'POST',
    data: {},
    schema: cardPurchase,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

export type ReminderOutcome = { subscribed: boolean } | { declined: true }

/**
 * Turns the daily reminder on or off. weapp must ask the member for the one-off subscribe-message
 * permission first (it has to happen inside the tap handler); a refusal leaves the switch off and
 * never reaches the server. H5 has no subscribe messages: the server just records the choice.
 */
export async function setCheckinReminder(subscribe: boolean): Promise<ReminderOutcome> {
  if (subscribe && isWeapp) {
    let accepted: boolean
    try {
      const res = (await Taro.requestSubscribeMessage({
        tmplIds: [CHECKIN_TEMPLATE_ID],
      } as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, unknown>
      accepted = res[CHECKIN_TEMPLATE_ID] === 'accept'
    } catch {
      accepted = false
    }
    if (!accepted) return { declined: true }
  }
  return api.post('/api/me/checkin/reminder', { subscribe }, reminderResponse)
}

const reminderResponse: Schema<{ subscribed: boolean }> = {
  parse(data: unknown) {
    const subscribed = (data as { subscribed?: unknown } | null)?.subscribed
    if (typeof subscribed !== 'boolean') throw new Error('reminder: bad shape')
    return { subscribed }
  },
}

export function fetchInvites(): Promise<InviteSummary> {
  return api.get('/api/me/invites', inviteSummary)
}
