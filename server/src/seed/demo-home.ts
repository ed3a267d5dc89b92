import { shanghaiDay, type HomeContentConfig } from '@mall/shared'
import type { AppContext } from '../app-context'

const DAY = 86_400_000

/**
 * 首页 on first open: banners, 商场公告 and 精彩活动 a mall's operators would have up, dated from the day the
 * demo starts. Written through the console's own path (a version by the demo operator in the page's history),
 * and only while the page was never edited: an operator's changes are never overwritten on a restart.
 */
export async function seedDemoHomeContent(ctx: AppContext): Promise<void> {
  const home = ctx.services.homeContent
  if ((await home.get()).version > 0) return
  const now = ctx.now()
  const day = (offset: number) => shanghaiDay(new Date(now.getTime() + offset * DAY))
  const content: HomeContentConfig = {
    banners: [
      {
        id: 'member-day',
        title: '每月18日 会员日积分双倍',
        subtitle: '全场消费积分 ×2，银卡及以上再享专属券',
        imageUrl: '',
        link: '/pages/coupons/index',
      },
      {
        id: 'mall',
        title: '积分商城 新品上架',
        subtitle: '积分兑换好礼，到服务台即领',
        imageUrl: '',
        link: '/pages/mall/index',
      },
      {
        id: 'checkin',
        title: '每日签到 连签有礼',
        subtitle: '连续签到 7 天额外得积分',
        imageUrl: '',
        link: '/pages/checkin/index',
      },
    ],
    announcements: [
      {
        id: 'parking',
        title: 'B2 停车场分区改造，请停 B1 或 B3',
        body: '改造期间会员停车优惠不变，出场时出示会员码即可抵扣。',
        publishedOn: day(0),
      },
      {
        id: 'hours',
        title: '周五、周六营业时间延长至 23:00',
        body: '餐饮楼层（B1、L5、L6）部分门店营业至 24:00，以门店公告为准。',
        publishedOn: day(-3),
      },
      {
        id: 'desk',
        title: '服务台迁至 L1 南门中庭',
        body: '积分补登、礼品领取与失物招领均在新服务台办理。',
        publishedOn: day(-10),
      },
    ],
    events: [
      {
        id: 'market',
        title: '冬日市集',
        place: 'L1 中庭',
        summary: '手作、咖啡与现场乐队，会员出示会员码领热饮一杯',
        startsOn: day(2),
        endsOn: day(9),
      },
      {
        id: 'baking',
        title: '亲子烘焙课',
        place: 'L4 儿童乐园',
        summary: '银卡及以上会员免费报名，每场 12 组家庭',
        startsOn: day(5),
        endsOn: day(5),
      },
      {
        id: 'film',
        title: '会员观影日',
        place: 'L6 影城',
        summary: '会员购票立减 10 元，积分可兑换爆米花套餐',
        startsOn: day(-1),
        endsOn: day(12),
      },
    ],
  }
  await home.update({ ...content, version: 0, note: '演示数据' }, 'operator', now)
}
