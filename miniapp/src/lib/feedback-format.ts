import type { FeedbackEvent, FeedbackStatus } from '@mall/shared'

/** Display helpers for the feedback page; pure so they are unit-tested without Taro. */

/** Badge colour per status: waiting (orange), being handled (blue), answered (green), closed (grey). */
export function feedbackStatusTone(status: FeedbackStatus): 'waiting' | 'doing' | 'done' | 'void' {
  return ({ open: 'waiting', assigned: 'doing', replied: 'done', closed: 'void' } as const)[status]
}

/** A history line the member sees; the submission itself is the ticket text, so it has none. */
export function feedbackEventLine(e: FeedbackEvent): { who: string; text: string } | null {
  switch (e.action) {
    case 'assign':
      return { who: '处理进度', text: `已转交${e.text ?? ''}处理` }
    case 'reply':
      return { who: '商场回复', text: e.text ?? '' }
    case 'follow_up':
      return { who: '我的补充', text: e.text ?? '' }
    case 'close':
      return { who: '处理结果', text: e.text ?? '' }
    default:
      return null
  }
}
