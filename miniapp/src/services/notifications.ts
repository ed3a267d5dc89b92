import Taro from '@tarojs/taro'
import {
  inviteCodeImage,
  notificationSettings,
  type InviteCodeImage,
  type NotificationKind,
  type NotificationSettings,
} from '@mall/shared'
import { newIdempotencyKey } from '../lib/claim-keys'
import { api, request } from './api'

/**
 * Subscribe messages (订阅消息, weapp only). WeChat shows its permission dialog only from inside a
 * tap handler, before anything is awaited: pages load the member's templates when shown
 * (`loadNotificationSettings`) and, in the tap, call `offerSubscriptions` first. Each template the
 * member accepts lets the server send one message of that kind; the server keeps count.
 * H5 has no subscribe messages: every call here does nothing there.
 */
const isWeapp = () => process.env.TARO_ENV === 'weapp'
// wx.requestSubscribeMessage takes at most 3 templates per call.
const MAX_TEMPLATES_PER_ASK = 3

let known: NotificationSettings | null = null

export function fetchNotificationSettings(): Promise<NotificationSettings> {
  return api.get('/api/me/notifications', notificationSettings)
}

/** Loads (and keeps) the member's templates and credits, so a later tap can ask at once. */
export async function loadNotificationSettings(): Promise<NotificationSettings | null> {
  if (!isWeapp()) return null
  try {
    known = await fetchNotificationSettings()
  } catch {
    // Best effort: without the templates the pages simply do not ask.
  }
  return known
}

export function knownNotificationSettings(): NotificationSettings | null {
  return known
}

/**
 * Asks the member to allow these messages; call it first thing in a tap handler. `onlyWhenNone`:
 * skip kinds the member can still receive (no dialog after every coupon claim). Resolves to the
 * kinds accepted (none on H5, before the templates are loaded, or when the member declines).
 */
export function offerSubscriptions(
  kinds: NotificationKind[],
  opts: { onlyWhenNone?: boolean } = {},
): Promise<NotificationKind[]> {
  if (!isWeapp() || !known) return Promise.resolve([])
  const templates = known.templates
    .filter((t) => kinds.includes(t.kind) && !(opts.onlyWhenNone && t.credits > 0))
    .slice(0, MAX_TEMPLATES_PER_ASK)
  if (templates.length === 0) return Promise.resolve([])
  // Synchronously, inside the tap: WeChat refuses the dialog once the handler has awaited anything.
  const tmplIds = templates.map((t) => t.templateId)
  const asked = Taro.requestSubscribeMessage({ tmplIds } as Taro.requestSubscribeMessage.Option)
  return asked
    .then(async (answer) => {
      const result = answer as unknown as Record<string, unknown>
      const accepted = templates.filter((t) => result[t.templateId] === 'accept')
      if (accepted.length === 0) return []
      known = await request('/api/me/notifications/subscriptions', {
        method: 'POST',
        data: { templateIds: accepted.map((t) => t.templateId) },
        schema: notificationSettings,
        headers: { 'Idempotency-Key': newIdempotencyKey() },
      })
      return accepted.map((t) => t.kind)
    })
    .catch(() => [])
}

/** The member's invite as a mini-program code (weapp shows it; H5 keeps the link's QR code). */
export function fetchInviteCodeImage(): Promise<InviteCodeImage> {
  return api.get('/api/me/invites/wxacode', inviteCodeImage)
}
