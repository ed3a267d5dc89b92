import {
  PURCHASE_CHANNELS_ZH,
  RECEIPT_REJECT_REASONS_ZH,
  shanghaiDateTime,
  type ReceiptPhotoSubmission,
} from '@mall/shared'

const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2))

/** "星巴克 · 12-05 14:32 · ¥56.50" (the approved amount when the desk changed it) */
export function receiptTitle(s: ReceiptPhotoSubmission): string {
  const amount = s.approvedAmountFen ?? s.amountFen
  return `${s.storeName} · ${shanghaiDateTime(s.purchasedAt).slice(5)} · ¥${yuan(amount)}`
}

/** 待审核 / 已通过 +N 积分 / 未通过（原因） / 已撤销 */
export function receiptStatusText(s: ReceiptPhotoSubmission): string {
  if (s.status === 'approved') return `已通过 +${s.points} 积分`
  if (s.status === 'rejected')
    return s.rejectReason ? `未通过（${RECEIPT_REJECT_REASONS_ZH[s.rejectReason]}）` : '未通过'
  if (s.status === 'undone') return '已撤销'
  return '待审核'
}

/** "2026-12-05T06:32:10.000Z" → ['2026-12-05', '14:32'] in Shanghai time, for the date and time pickers. */
export function shanghaiParts(iso: string): [string, string] {
  const text = shanghaiDateTime(iso)
  return [text.slice(0, 10), text.slice(11, 16)]
}

/**
 * A receipt another channel already earned (PURCHASE.ALREADY_EARNED with its channel and time): which channel
 * and when, e.g. "这笔消费已于 2026-12-05 15:00 通过微信支付积分，不能重复积分"; null for any other refusal.
 */
export function alreadyEarnedText(err: { code: string; details?: Record<string, unknown> }): string | null {
  if (err.code !== 'PURCHASE.ALREADY_EARNED') return null
  const channel = err.details?.channel
  const at = err.details?.at
  const name =
    typeof channel === 'string' && channel in PURCHASE_CHANNELS_ZH
      ? PURCHASE_CHANNELS_ZH[channel as keyof typeof PURCHASE_CHANNELS_ZH]
      : null
  if (!name || typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null
  return `这笔消费已于 ${shanghaiDateTime(at)} 通过${name}积分，不能重复积分`
}
