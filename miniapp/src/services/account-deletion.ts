import { accountDeletionStates, type AccountDeletionStatus } from '@mall/shared'
import { api } from './api'

/** 注销账号 (server: modules/account-deletion): the status with what would be lost, the request and its cancel. */

export const ACCOUNT_SECURITY_PAGE = '/pages/account-security/index'
export const ACCOUNT_DELETION_PAGE = '/pages/account-deletion/index'

const deletionStatus = {
  parse(data: unknown): AccountDeletionStatus {
    const s = data as AccountDeletionStatus | null
    if (!s || !accountDeletionStates.includes(s.state) || typeof s.losses?.pointsBalance !== 'number')
      throw new Error('account deletion: unexpected answer')
    return s
  },
}

export function fetchDeletionStatus(): Promise<AccountDeletionStatus> {
  return api.get('/api/me/account-deletion', deletionStatus)
}

/** Sent only after the member's second confirmation (the server refuses a request without it). */
export function requestDeletion(): Promise<AccountDeletionStatus> {
  return api.post('/api/me/account-deletion', { confirm: true }, deletionStatus)
}

export function cancelDeletion(): Promise<AccountDeletionStatus> {
  return api.post('/api/me/account-deletion/cancel', {}, deletionStatus)
}
