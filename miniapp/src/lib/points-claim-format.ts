import { shanghaiDateTime, type PointsClaim } from '@mall/shared'

/** "128.5" → 12850 fen; null unless a positive amount with at most two decimals. */
export function parseYuan(input: string): number | null {
  const m = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(input.trim())
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return fen > 0 ? fen : null
}

const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2))

/** "优衣库 · 12-05 14:30 · ¥128.50" */
export function claimTitle(c: PointsClaim): string {
  return `${c.storeName} · ${shanghaiDateTime(c.purchasedAt).slice(5)} · ¥${yuan(c.amountFen)}`
}

/** 待审核 / 已补登 +N 积分 / 未通过 */
export function claimStatusText(c: PointsClaim): string {
  if (c.status === 'approved') return `已补登 +${c.points} 积分`
  if (c.status === 'rejected') return '未通过'
  return '待审核'
}
