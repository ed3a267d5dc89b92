import { FEEDBACK_CATEGORY_LABELS, type FeedbackCategory } from '@mall/shared'
import { shanghaiDay, shanghaiTimeOfDay } from '@mall/shared'

/**
 * What each subscribe message says, in zh-CN, as WeChat template fields. The keys are those of the
 * templates chosen in the WeChat admin (公共模板库) for each kind; a key's prefix is its type, which
 * limits its value (thing ≤ 20 characters, number digits only, date/time in Chinese format).
 * Members read these: no ids, codes or internal names, only what the member would recognise.
 */
export interface MessageContent {
  /** the mini-program page the message opens */
  page: string
  data: Record<string, { value: string }>
}

const THING_MAX = 20

/** A `thing` value: one line, at most 20 characters (cut with an ellipsis). */
export function thing(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  if (chars.length === 0) return '无'
  return chars.length <= THING_MAX ? chars.join('') : `${chars.slice(0, THING_MAX - 1).join('')}…`
}

/** A `time` value: '2026年6月1日 10:05' (Shanghai). */
export function wxTime(at: Date): string {
  return `${wxDate(shanghaiDay(at))} ${shanghaiTimeOfDay(at)}`
}

/** A `date` value from a Shanghai day 'YYYY-MM-DD': '2026年6月1日'. */
export function wxDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return `${y}年${m}月${d}日`
}

const count = (n: number) => String(Math.max(0, Math.trunc(n)))

/** 积分到账提醒: 变动原因, 变动积分, 积分余额, 变动时间. */
export function pointsEarnedMessage(p: {
  storeName: string | null
  points: number
  balance: number
  at: Date
}): MessageContent {
  return {
    page: 'pages/wallet/index',
    data: {
      thing1: { value: thing(p.storeName ? `${p.storeName}消费积分` : '消费积分') },
      number2: { value: count(p.points) },
      number3: { value: count(p.balance) },
      time4: { value: wxTime(p.at) },
    },
  }
}

/** 积分过期提醒: 过期积分, 过期日期, 温馨提示. */
export function pointsExpiringMessage(p: { points: number; expiresOn: string; daysLeft: number }): MessageContent {
  const tip = p.daysLeft <= 0 ? '积分今天到期，请尽快使用' : `积分${p.daysLeft}天后到期，请尽快使用`
  return {
    page: 'pages/wallet/index',
    data: { number1: { value: count(p.points) }, date2: { value: wxDate(p.expiresOn) }, thing3: { value: thing(tip) } },
  }
}

/** 优惠券到期提醒: 优惠券名称, 到期时间, 温馨提示. */
export function couponExpiringMessage(p: { name: string; validTo: Date }): MessageContent {
  return {
    page: 'pages/my-coupons/index',
    data: {
      thing1: { value: thing(p.name) },
      time2: { value: wxTime(p.validTo) },
      thing3: { value: thing('优惠券即将到期，请尽快使用') },
    },
  }
}

/** 反馈回复通知: 反馈类型, 回复内容, 回复时间. */
export function feedbackRepliedMessage(p: { category: FeedbackCategory; text: string; at: Date }): MessageContent {
  return {
    page: 'pages/feedback/index',
    data: {
      thing1: { value: thing(`${FEEDBACK_CATEGORY_LABELS[p.category] ?? '其他'}反馈`) },
      thing2: { value: thing(p.text) },
      time3: { value: wxTime(p.at) },
    },
  }
}
