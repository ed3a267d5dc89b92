/**
 * One line that tells a member how a purchase's points came about, from what the posting recorded:
 * "消费 ¥456.00：基础 456 分 × 1.2 倍（银卡会员）+ 会员日 456 分". Pure; `tierName` is the tier the
 * purchase earned at (unknown for entries from before it was recorded).
 */
export interface EarningBreakdownFacts {
  basePoints: number
  tierMultiplierPermille: number
  storeMultiplierPermille?: number
  categoryMultiplierPermille?: number
  campaign?: { name: string; bonusPoints?: number } | null
  cappedBy?: 'daily' | 'balance' | null
}

const times = (permille: number) => `${Number((permille / 1000).toFixed(3))} 倍`
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

export function explainEarning(amountFen: number, b: EarningBreakdownFacts, tierName?: string): string {
  const parts = [`基础 ${b.basePoints} 分`]
  if (b.tierMultiplierPermille !== 1000) parts.push(`× ${times(b.tierMultiplierPermille)}（${tierName ?? '会员等级'}）`)
  if (b.storeMultiplierPermille && b.storeMultiplierPermille !== 1000)
    parts.push(`× ${times(b.storeMultiplierPermille)}（门店）`)
  if (b.categoryMultiplierPermille && b.categoryMultiplierPermille !== 1000) {
    parts.push(`× ${times(b.categoryMultiplierPermille)}（品类）`)
  }
  if (b.campaign?.bonusPoints) parts.push(`+ ${b.campaign.name} ${b.campaign.bonusPoints} 分`)
  const cap = b.cappedBy === 'daily' ? '，已达每日积分上限' : b.cappedBy === 'balance' ? '，已达积分余额上限' : ''
  return `消费 ${yuan(amountFen)}：${parts.join(' ')}${cap}`
}
