import * as z from 'zod'

/**
 * 注销账号 (docs/privacy.md): the member asks, waits the cooling-off, and can take it back until then.
 * The request carries an explicit confirmation the client sends only after the member's second step.
 */
export const accountDeletionRequest = z.strictObject({ confirm: z.literal(true) })

export const accountDeletionStates = ['none', 'pending', 'erased'] as const
export type AccountDeletionState = (typeof accountDeletionStates)[number]

/** How the console names each state (the member page). */
export const ACCOUNT_DELETION_STATE_LABELS: Record<AccountDeletionState, string> = {
  none: '正常',
  pending: '注销中',
  erased: '已注销',
}

/** What the member loses, shown before they confirm. */
export interface AccountDeletionLosses {
  pointsBalance: number
  activeCoupons: number
  tierName: string
}

export interface AccountDeletionStatus {
  state: AccountDeletionState
  requestedAt: string | null
  /** when the account is erased unless the member cancels first */
  dueAt: string | null
  /** '账号将于 X月X日 注销' while pending, else null */
  notice: string | null
  coolingOffDays: number
  losses: AccountDeletionLosses
}

/** The console's view of one member's deletion. */
export interface MemberDeletionView {
  memberId: string
  state: AccountDeletionState
  label: string
  requestedAt: string | null
  dueAt: string | null
  erasedAt: string | null
}
