import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { MemberCard } from '@mall/shared'
import { formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import { TIER_PAGE, WALLET_PAGE } from '../../services/points'
import { COUPONS_PAGE, MY_COUPONS_PAGE } from '../../services/coupons'
import { CHECKIN_PAGE, INVITE_PAGE } from '../../services/engagement'
import { FEEDBACK_PAGE } from '../../services/feedback'
import { RECEIPT_PHOTOS_PAGE } from '../../services/receipt-photos'
import './index.css'

interface Shortcut {
  /** e2e hook class */
  hook: string
  url: string
  label: string
  value: string
  hint: string
}

function shortcuts(card: MemberCard): Shortcut[] {
  return [
    {
      hook: 'card-to-wallet',
      url: WALLET_PAGE,
      label: '我的积分',
      value: formatPoints(card.pointsBalance),
      hint: '明细与规则 ›',
    },
    {
      hook: 'card-to-tier',
      url: TIER_PAGE,
      label: '会员等级',
      value: card.tier.name || tierTheme(card.tier.level).fallbackName,
      hint: '等级权益 ›',
    },
    { hook: 'card-to-checkin', url: CHECKIN_PAGE, label: '每日签到', value: '签到', hint: '天天领积分 ›' },
    { hook: 'card-to-invite', url: INVITE_PAGE, label: '邀请有礼', value: '邀请', hint: '好友首购得积分 ›' },
    { hook: 'card-to-coupons', url: COUPONS_PAGE, label: '优惠券', value: '领券中心', hint: '好券限量领 ›' },
    { hook: 'card-to-my-coupons', url: MY_COUPONS_PAGE, label: '卡包', value: '我的券', hint: '查看与使用 ›' },
    {
      hook: 'card-to-receipts',
      url: RECEIPT_PHOTOS_PAGE,
      label: '小票积分',
      value: '拍小票',
      hint: '上传小票领积分 ›',
    },
    { hook: 'card-to-feedback', url: FEEDBACK_PAGE, label: '意见反馈', value: '反馈', hint: '建议与投诉 ›' },
  ]
}

/**
 * Tiles under the card, two per row: points -> wallet, tier -> tier page, check-in, invite,
 * coupon centre, my coupons, receipt photos, feedback. navigateTo (not reLaunch) so "back" returns to
 * the card. Each tile's `hook` class (`card-to-wallet`, `card-to-checkin`, ...) is an e2e hook.
 */
export default function CardShortcuts({ card }: { card: MemberCard }) {
  return (
    <View className='card-shortcuts'>
      {shortcuts(card).map((s) => (
        <View
          key={s.hook}
          className={`surface card-shortcut ${s.hook}`}
          onClick={() => void Taro.navigateTo({ url: s.url })}
        >
          <Text className='card-shortcut__label'>{s.label}</Text>
          <Text className='card-shortcut__value'>{s.value}</Text>
          <Text className='card-shortcut__hint'>{s.hint}</Text>
        </View>
      ))}
    </View>
  )
}
