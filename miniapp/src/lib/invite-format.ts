import { shanghaiDay, type InviteSummary } from '@mall/shared'
import { formatPoints } from './format'
import { formatChineseDate } from './points-format'

/** Display helpers for the invite page; pure so they are unit-tested without Taro. */

export type InviteStatus = InviteSummary['friends'][number]['status']

export const INVITE_STATUS_LABELS: Record<InviteStatus, string> = {
  registered: '已注册',
  qualified: '已首购',
  rewarded: '已奖励',
  capped: '已达上限',
  reversed: '已退回',
}

/** Colour family per status: done (green), waiting (blue), nothing paid (grey). */
export function inviteStatusTone(status: InviteStatus): 'done' | 'pending' | 'void' {
  if (status === 'rewarded') return 'done'
  if (status === 'registered' || status === 'qualified') return 'pending'
  return 'void'
}

export function inviteRules(rules: InviteSummary['rules']): string[] {
  return [
    `好友通过你的邀请链接或分享卡片首次注册，好友立得 ${formatPoints(rules.inviteePoints)} 积分。`,
    `好友完成首笔消费并经核验后，你可得 ${formatPoints(rules.inviterPoints)} 积分。`,
    `每天最多奖励 ${rules.dailyCap} 位好友，每月最多 ${rules.monthlyCap} 位，超出部分不再发放。`,
    '已注册的会员不能被再次邀请；好友首笔消费退货的，奖励将被扣回。',
  ]
}

/** ISO instant -> '2025年3月9日' (Shanghai calendar day). */
export function joinedText(iso: string): string {
  const t = Date.parse(iso)
  return Number.isFinite(t) ? formatChineseDate(shanghaiDay(new Date(t))) : ''
}

/** weapp share paths must be absolute: 'pages/card/index?inviter=X' -> '/pages/card/index?inviter=X'. */
export function absoluteSharePath(sharePath: string): string {
  return sharePath.startsWith('/') ? sharePath : `/${sharePath}`
}
