import type { LotteryPrizeInput } from '@mall/shared'
import type { AppContext } from '../app-context'
import { couponModels } from '../modules/coupons/coupon.model'
import { lotteryModels } from '../modules/lottery/lottery.model'
import { pointsMallModels } from '../modules/points-mall/points-mall.model'

const DAY = 86_400_000

/**
 * 积分抽奖 on first open: one live lottery with every prize kind (points, a demo coupon, a demo pickup
 * gift, 谢谢参与), made through the console's own path. Runs once (a lottery by demo-seed exists after).
 */
export async function seedDemoLottery(ctx: AppContext): Promise<void> {
  if ((await lotteryModels(ctx.conn).Lottery.countDocuments({ createdBy: 'demo-seed' }).exec()) > 0) return
  const now = ctx.now()
  const coupon = await couponModels(ctx.conn).Template.findOne({ createdBy: 'demo-seed' }).lean().exec()
  const gifts = await pointsMallModels(ctx.conn).Gift.find({ createdBy: 'demo-seed' }).lean().exec()
  const gift = gifts.find((g) => g.fulfilment.includes('pickup') && g.eligibleTiers.length === 0)
  const prize = (p: Omit<LotteryPrizeInput, 'couponTemplateId' | 'giftId'> & Partial<LotteryPrizeInput>) => ({
    couponTemplateId: null,
    giftId: null,
    ...p,
  })
  const prizes: LotteryPrizeInput[] = [
    prize({ id: 'p888', name: '888积分', kind: 'points', points: 888, stock: 20, probabilityPpm: 10_000 }),
    prize({ id: 'p50', name: '50积分', kind: 'points', points: 50, stock: null, probabilityPpm: 250_000 }),
    prize({ id: 'p10', name: '10积分', kind: 'points', points: 10, stock: null, probabilityPpm: 300_000 }),
  ]
  if (coupon)
    prizes.push(
      prize({
        id: 'coupon',
        name: coupon.name,
        kind: 'coupon',
        points: 0,
        couponTemplateId: coupon._id,
        stock: 50,
        probabilityPpm: 80_000,
      }),
    )
  if (gift)
    prizes.push(
      prize({
        id: 'gift',
        name: gift.name,
        kind: 'gift',
        points: 0,
        giftId: gift._id,
        stock: 5,
        probabilityPpm: 20_000,
      }),
    )
  const taken = prizes.reduce((s, p) => s + p.probabilityPpm, 0)
  prizes.push(
    prize({ id: 'thanks', name: '谢谢参与', kind: 'none', points: 0, stock: null, probabilityPpm: 1_000_000 - taken }),
  )
  const { admin } = ctx.services.lottery
  const lottery = await admin.create(
    {
      name: '周末幸运九宫格',
      costPoints: 30,
      dailyLimit: 5,
      budgetPoints: 200_000,
      startsAt: new Date(now.getTime() - DAY).toISOString(),
      endsAt: new Date(now.getTime() + 60 * DAY).toISOString(),
      prizes,
      consolationPrizeId: 'thanks',
    },
    'demo-seed',
    now,
  )
  await admin.activate(lottery.id, 'demo-seed', now)
}
