import { shanghaiDay } from '@mall/shared'
import type { AppContext } from '../app-context'

const MINUTE = 60_000

/** Today's receipts at 星巴克 (S001) by clerk1: [minutes ago, member, amount in fen]; the last is held. */
const TODAY_AT_S001 = [
  [95, 'alice', 86_00],
  [60, 'bob', 268_00],
  [35, 'carol', 35_50],
  // a company's coffee-card order: above the approval threshold, so it waits for manager1 (待店长审批)
  [10, 'bob', 10_880_00],
] as const

/**
 * The staff pages on first open: clerk1's receipts of the day at 星巴克 through the real award flow, so
 * manager1's 今日操作, 门店日报 (per clerk) and 积分审批 (one held receipt) show a working day. Receipt
 * numbers carry the Shanghai day: a restart the same day changes nothing, the next day adds that day's.
 * Runs before anything else is posted at `now`, so each member's wallet stays in time order.
 */
export async function seedDemoTillDay(ctx: AppContext, memberIds: ReadonlyMap<string, string>): Promise<void> {
  const now = ctx.now()
  const staff = { sub: 'clerk1', role: 'clerk' as const, storeId: 'S001' }
  const day = shanghaiDay(now).replaceAll('-', '')
  for (const [i, [minutesAgo, devUser, amountFen]] of TODAY_AT_S001.entries()) {
    const memberId = memberIds.get(devUser)
    if (!memberId) continue
    const at = new Date(now.getTime() - minutesAgo * MINUTE)
    const scanToken = ctx.tokens.sign('scan', { sub: memberId, staffId: staff.sub, storeId: staff.storeId }, at).token
    const receiptNo = `S001-${day}-${String(i + 1).padStart(4, '0')}`
    await ctx.services.tillAwards.award(staff, { scanToken, receiptNo, amountFen }, at)
  }
}
