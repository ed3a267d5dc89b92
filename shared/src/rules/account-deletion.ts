import { shanghaiDay } from './shanghai-time'

/**
 * 注销账号: a member's request waits this many days (the cooling-off) before the account is erased; until
 * then the member can take it back. Changing it changes only requests made afterwards (each request
 * stores the instant it becomes due).
 */
export const ACCOUNT_DELETION_COOLING_OFF_DAYS = 7

const DAY_MS = 86_400_000

/** The nickname an erased member's row keeps, so feedback and audit rows pointing at it read sensibly. */
export const ERASED_MEMBER_NICKNAME = '已注销会员'

/** When a request made at `requestedAt` may be carried out. */
export function deletionDueAt(requestedAt: Date, coolingOffDays = ACCOUNT_DELETION_COOLING_OFF_DAYS): Date {
  return new Date(requestedAt.getTime() + coolingOffDays * DAY_MS)
}

/** Whether a request due at `dueAt` may be carried out at `now`. */
export function isDeletionDue(dueAt: Date, now: Date): boolean {
  return now.getTime() >= dueAt.getTime()
}

/** '12月13日' on the Shanghai calendar: the day the banner names. */
export function deletionDayLabel(dueAt: Date): string {
  const [, month, day] = shanghaiDay(dueAt).split('-').map(Number) as [number, number, number]
  return `${month}月${day}日`
}

/** The banner a member sees while the request is pending. */
export function deletionNotice(dueAt: Date): string {
  return `账号将于 ${deletionDayLabel(dueAt)} 注销`
}
