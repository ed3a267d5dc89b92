import { addDays, addMonths, lastDayOfMonth, type CheckinResult, type CheckinStatus } from '@mall/shared'
import { formatPoints } from './format'

/**
 * Pure helpers for the check-in page: the month grid, what a tap on a day may do, month
 * navigation and the reward copy. Days are the server's Shanghai 'YYYY-MM-DD' strings, compared
 * as strings (they sort chronologically), so the phone's own time zone never matters.
 */

export interface CalendarCell {
  /** 'YYYY-MM-DD', or null for the padding before the 1st / after the last day */
  day: string | null
  /** day of month, 0 for padding */
  date: number
  checked: boolean
  today: boolean
  /** a day of the current month before today that was not checked */
  missed: boolean
  /** missed, and the member may 补签 it now (has a card, monthly cap not reached) */
  makeupable: boolean
}

/** Monday first, as on Chinese calendars. */
export const WEEKDAY_LABELS = ['一', '二', '三', '四', '五', '六', '日']

/** How far back the month navigation goes. */
export const CHECKIN_HISTORY_MONTHS = 12

export const monthOf = (day: string): string => day.slice(0, 7)

/** Can the member use a make-up card this month at all? */
export function canMakeup(
  status: Pick<CheckinStatus, 'makeupCards' | 'makeupUsedThisMonth' | 'makeupMonthlyCap'>,
): boolean {
  return status.makeupCards > 0 && status.makeupUsedThisMonth < status.makeupMonthlyCap
}

/** 0 = Monday ... 6 = Sunday, for 'YYYY-MM-DD'. */
export function weekdayIndex(day: string): number {
  const t = Date.parse(`${day}T00:00:00Z`)
  return (new Date(t).getUTCDay() + 6) % 7
}

/** The grid for `status.month`, padded to whole Monday-first weeks. */
export function buildCalendar(
  status: Pick<
    CheckinStatus,
    'month' | 'today' | 'checkedDays' | 'makeupCards' | 'makeupUsedThisMonth' | 'makeupMonthlyCap'
  >,
): CalendarCell[] {
  const checked = new Set(status.checkedDays)
  const isCurrentMonth = status.month === monthOf(status.today)
  const allowMakeup = isCurrentMonth && canMakeup(status)
  const first = `${status.month}-01`
  const last = lastDayOfMonth(status.month)
  const pad = (): CalendarCell => ({
    day: null,
    date: 0,
    checked: false,
    today: false,
    missed: false,
    makeupable: false,
  })

  const cells: CalendarCell[] = Array.from({ length: weekdayIndex(first) }, pad)
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const isChecked = checked.has(day)
    const missed = isCurrentMonth && day < status.today && !isChecked
    cells.push({
      day,
      date: Number(day.slice(8)),
      checked: isChecked,
      today: day === status.today,
      missed,
      makeupable: missed && allowMakeup,
    })
  }
  while (cells.length % 7 !== 0) cells.push(pad())
  return cells
}

/** '2025-03' -> '2025年3月'. */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  return m ? `${Number(m[1])}年${Number(m[2])}月` : month
}

/** Neighbouring months the page may show: never after the current month, at most a year back. */
export function monthNav(viewMonth: string, today: string): { prev: string | null; next: string | null } {
  const current = monthOf(today)
  const oldest = addMonths(current, -(CHECKIN_HISTORY_MONTHS - 1))
  return {
    prev: viewMonth > oldest ? addMonths(viewMonth, -1) : null,
    next: viewMonth < current ? addMonths(viewMonth, 1) : null,
  }
}

/** "再签 2 天可得 10 积分", or '' when the rules have no milestone. */
export function milestoneText(next: CheckinStatus['nextMilestone']): string {
  if (!next) return ''
  return `再签 ${next.inDays} 天可得 ${formatPoints(next.bonusPoints)} 积分`
}

/** Main line of the reward bubble: "+15 积分". */
export function rewardText(result: Pick<CheckinResult, 'rewardPoints'>): string {
  return `+${formatPoints(result.rewardPoints)} 积分`
}

/** Second line: milestone and make-up cards earned, or ''. */
export function rewardDetail(result: Pick<CheckinResult, 'kind' | 'milestoneDay' | 'makeupCardsEarned'>): string {
  const parts: string[] = []
  if (result.kind === 'makeup') parts.push('补签成功')
  if (result.milestoneDay) parts.push(`连签第 ${result.milestoneDay} 天奖励`)
  if (result.makeupCardsEarned > 0) parts.push(`获得补签卡 ×${result.makeupCardsEarned}`)
  return parts.join(' · ')
}

/** '2025-03-09' -> '3月9日' (make-up confirmation). */
export function shortDayLabel(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`
}
