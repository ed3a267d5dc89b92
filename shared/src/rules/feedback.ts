import type { FeedbackAction, FeedbackCategory, FeedbackStatus } from '../contracts/feedback'
import { FEEDBACK_CATEGORIES } from '../contracts/feedback'
import { median, percent } from './stats'

/**
 * The ticket workflow (FB-02: collect → classify → assign → handle → track → summarise):
 *
 *   open ──assign──▶ assigned ──reply──▶ replied ──close──▶ closed
 *                    │  ▲  ▲                │
 *             assign └──┘  └──follow_up─────┘
 *
 * - assign: from open, or again from assigned (handing the ticket on to another person or department).
 * - reply: only once someone handles it (assigned), or again after a reply (adding information).
 * - follow_up: the member answers a reply (not satisfied, more detail — FB-06); the ticket goes back
 *   to its handler as assigned. Only a replied ticket takes a follow-up.
 * - close: from any status but closed, with a resolution; nothing leaves closed.
 * Anything else is an invalid transition (the API answers 409 FEEDBACK.INVALID_TRANSITION).
 */
export type FeedbackChange = Exclude<FeedbackAction, 'submit'>

export const FEEDBACK_TRANSITIONS: Record<FeedbackChange, { from: readonly FeedbackStatus[]; to: FeedbackStatus }> = {
  assign: { from: ['open', 'assigned'], to: 'assigned' },
  reply: { from: ['assigned', 'replied'], to: 'replied' },
  follow_up: { from: ['replied'], to: 'assigned' },
  close: { from: ['open', 'assigned', 'replied'], to: 'closed' },
}

/** The status after `action`, or null when the action is not allowed from `status`. */
export function feedbackTransition(status: FeedbackStatus, action: FeedbackChange): FeedbackStatus | null {
  const t = FEEDBACK_TRANSITIONS[action]
  return t.from.includes(status) ? t.to : null
}

/** What the member hears back from: a reply, or closing with a resolution. Assigning is internal. */
export const isFeedbackResponse = (action: FeedbackAction): boolean => action === 'reply' || action === 'close'

/** The times a ticket's figures need. */
export interface FeedbackTiming {
  category: FeedbackCategory
  createdAt: Date
  /** the first reply or closing, whichever came first */
  firstResponseAt: Date | null
  closedAt: Date | null
}

export interface FeedbackFigures {
  tickets: number
  responded: number
  resolved: number
  /** median minutes from submission to the first response, over responded tickets (one decimal) */
  medianFirstResponseMinutes: number | null
  /** median minutes from submission to closing, over closed tickets (one decimal) */
  medianResolutionMinutes: number | null
  /** closed ÷ tickets, % with two decimals */
  resolutionRate: number
  /** tickets with neither a response nor a closing yet */
  awaitingResponse: number
  /** how long the oldest of those has waited (whole minutes) */
  oldestAwaitingMinutes: number | null
  /** every category, in the fixed order, with its share of the tickets (%) and how many are closed */
  byCategory: { category: FeedbackCategory; count: number; share: number; resolved: number }[]
}

const minutes = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000
const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10)

/**
 * Response-time figures (K21 feedback handling efficiency and resolution rate, K22 share per
 * category) for the given tickets as of `now`: responses and closings later than `now` have not
 * happened yet, so the same data gives the same answer for any past instant.
 */
export function feedbackFigures(tickets: readonly FeedbackTiming[], now: Date): FeedbackFigures {
  const happened = (at: Date | null) => (at !== null && at.getTime() <= now.getTime() ? at : null)
  const firstResponse = tickets.map((t) => ({ t, at: happened(t.firstResponseAt) }))
  const closed = tickets.filter((t) => happened(t.closedAt))
  const waiting = firstResponse.filter((r) => r.at === null).map((r) => r.t)
  return {
    tickets: tickets.length,
    responded: tickets.length - waiting.length,
    resolved: closed.length,
    medianFirstResponseMinutes: oneDecimal(
      median(firstResponse.filter((r) => r.at).map((r) => minutes(r.t.createdAt, r.at!))),
    ),
    medianResolutionMinutes: oneDecimal(median(closed.map((t) => minutes(t.createdAt, t.closedAt!)))),
    resolutionRate: percent(closed.length, tickets.length),
    awaitingResponse: waiting.length,
    oldestAwaitingMinutes: waiting.length
      ? Math.floor(waiting.reduce((max, t) => Math.max(max, minutes(t.createdAt, now)), 0))
      : null,
    byCategory: FEEDBACK_CATEGORIES.map((category) => {
      const mine = tickets.filter((t) => t.category === category)
      return {
        category,
        count: mine.length,
        share: percent(mine.length, tickets.length),
        resolved: closed.filter((t) => t.category === category).length,
      }
    }),
  }
}
