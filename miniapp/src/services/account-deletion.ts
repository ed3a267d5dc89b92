import Taro from '@tarojs/taro'
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

/**
 * Right after a login during the cooling-off: the member is told when the account goes and can take the request
 * back at once (撤销注销), or keep it (暂不撤销; 我的 and 账号与安全 still offer the cancel). A status that cannot be
 * read asks nothing: the login itself succeeded.
 */
export async function offerDeletionCancelAtLogin(): Promise<void> {
  const status = await fetchDeletionStatus().catch(() => null)
  if (status?.state !== 'pending') return
  const { confirm } = await Taro.showModal({
    title: '账号注销中',
    content: `${status.notice ?? '账号将被注销'}。撤销后账号照常使用，积分和优惠券都保留。`,
    confirmText: '撤销注销',
    cancelText: '暂不撤销',
  })
  if (!confirm) return
  try {
    await cancelDeletion()
    void Taro.showToast({ title: '已撤销注销', icon: 'success' })
  } catch {
    void Taro.showToast({ title: '撤销未成功，可在「我的」中重试', icon: 'none' })
  }
}
