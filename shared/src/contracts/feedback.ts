import * as z from 'zod'

/**
 * Member feedback tickets (FB-01..FB-09): members submit from the mini-program, operators assign,
 * reply and close; the member sees the status and replies. Status rules: rules/feedback.ts.
 */

/** Stable category codes; the labels are what members and operators see. */
export const FEEDBACK_CATEGORIES = [
  'goods',
  'service',
  'environment',
  'parking',
  'activity',
  'membership',
  'other',
] as const
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number]
export const FEEDBACK_CATEGORY_LABELS: Record<FeedbackCategory, string> = {
  goods: '商品',
  service: '服务',
  environment: '环境',
  parking: '停车',
  activity: '活动',
  membership: '积分与会员',
  other: '其他',
}

export const FEEDBACK_STATUSES = ['open', 'assigned', 'replied', 'closed'] as const
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number]
export const FEEDBACK_STATUS_LABELS: Record<FeedbackStatus, string> = {
  open: '待处理',
  assigned: '处理中',
  replied: '已回复',
  closed: '已关闭',
}

export const FEEDBACK_TEXT_MAX = 1000
/** Decoded photo bytes; the data URL is about 4/3 of this. */
export const FEEDBACK_PHOTO_MAX_BYTES = 300 * 1024
// First bytes of each accepted format, as they start in base64: FF D8 FF and 89 'PNG' 0D 0A 1A 0A.
const PHOTO_MAGIC = { jpeg: '/9j/', png: 'iVBORw0KGgo' } as const
const PHOTO_DATA_URL = /^data:image\/(jpeg|png);base64,([A-Za-z0-9+/]+={0,2})$/

/** Bytes a base64 payload decodes to. */
export function base64DecodedBytes(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.floor((b64.length * 3) / 4) - padding
}

/** The type and base64 payload of a JPEG/PNG data URL, or null for anything else. */
export function splitPhotoDataUrl(dataUrl: string): { type: 'jpeg' | 'png'; base64: string } | null {
  const m = PHOTO_DATA_URL.exec(dataUrl)
  return m ? { type: m[1] as 'jpeg' | 'png', base64: m[2]! } : null
}

/** Why `dataUrl` is not an acceptable photo (English, for the API's details), or null when it is. */
export function feedbackPhotoProblem(dataUrl: string): string | null {
  const photo = splitPhotoDataUrl(dataUrl)
  if (!photo) return 'photo must be a base64 data URL of image/jpeg or image/png'
  if (photo.base64.length % 4 !== 0 || !photo.base64.startsWith(PHOTO_MAGIC[photo.type]))
    return `photo is not a ${photo.type} image`
  if (base64DecodedBytes(photo.base64) > FEEDBACK_PHOTO_MAX_BYTES) return 'photo is larger than 300 KB'
  return null
}

/** A JPEG or PNG as a data URL whose bytes really start like that format, at most 300 KB decoded. */
export const feedbackPhoto = z
  .string()
  .max(Math.ceil((FEEDBACK_PHOTO_MAX_BYTES * 4) / 3) + 40)
  .superRefine((value, ctx) => {
    const problem = feedbackPhotoProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const storeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)
const ticketText = (max: number) => z.string().trim().min(1).max(max)

export const feedbackSubmitRequest = z.strictObject({
  category: z.enum(FEEDBACK_CATEGORIES),
  text: ticketText(FEEDBACK_TEXT_MAX),
  photo: feedbackPhoto.optional(),
  storeId: storeId.optional(),
})
export type FeedbackSubmitRequest = z.infer<typeof feedbackSubmitRequest>

/** The member answers a reply (not satisfied, more detail): the ticket goes back to its handler. */
export const feedbackFollowUpRequest = z.strictObject({ text: ticketText(FEEDBACK_TEXT_MAX) })
/** Operator: hand the ticket to a staff username or a department (物业部, 客服中心…). */
export const feedbackAssignRequest = z.strictObject({ assignee: ticketText(40) })
export const feedbackReplyRequest = z.strictObject({ text: ticketText(FEEDBACK_TEXT_MAX) })
export const feedbackCloseRequest = z.strictObject({ resolution: ticketText(500) })

/** `<memberId>-<n>`: the member's n-th ticket. */
export const feedbackTicketId = z.string().regex(/^\d{8}-\d{1,6}$/)

export const feedbackListQuery = z.strictObject({
  status: z.enum(FEEDBACK_STATUSES).optional(),
  category: z.enum(FEEDBACK_CATEGORIES).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})
export type FeedbackListQuery = z.infer<typeof feedbackListQuery>

export const FEEDBACK_ACTIONS = ['submit', 'assign', 'reply', 'follow_up', 'close'] as const
export type FeedbackAction = (typeof FEEDBACK_ACTIONS)[number]

/** One change of a ticket: who (member or staff), when, what, and the status after it. */
export const feedbackEvent = z.object({
  at: z.string(),
  actor: z.enum(['member', 'staff']),
  /** staff username; null in what members see (and for the member's own events) */
  actorId: z.string().nullable(),
  action: z.enum(FEEDBACK_ACTIONS),
  status: z.enum(FEEDBACK_STATUSES),
  /** reply, follow-up or resolution text; the assignee for an assignment */
  text: z.string().nullable(),
})
export type FeedbackEvent = z.infer<typeof feedbackEvent>

/** A ticket as lists and details show it; the photo is only a flag (bytes come from …/photo). */
export const feedbackTicket = z.object({
  ticketId: z.string(),
  memberId: z.string(),
  category: z.enum(FEEDBACK_CATEGORIES),
  text: z.string(),
  storeId: z.string().nullable(),
  hasPhoto: z.boolean(),
  status: z.enum(FEEDBACK_STATUSES),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  firstResponseAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  history: z.array(feedbackEvent),
})
export type FeedbackTicket = z.infer<typeof feedbackTicket>

export const feedbackPage = z.object({
  items: z.array(feedbackTicket),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
})
export type FeedbackPage = z.infer<typeof feedbackPage>
