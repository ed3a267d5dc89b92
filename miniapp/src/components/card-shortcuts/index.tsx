import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { MemberCard } from '@mall/shared'
import { formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import { TIER_PAGE, WALLET_PAGE } from '../../services/points'
import { COUPONS_PAGE, MY_COUPONS_PAGE } from '../../services/coupons'
import './index.css'

/**
 * Tiles under the card, two per row: points -> wallet, tier -> tier page, coupon centre, my
 * coupons. navigateTo (not reLaunch) so "back" returns to the card. `card-to-wallet`,
 * `card-to-tier`, `card-to-coupons`, `card-to-my-coupons` are e2e hooks.
 */
export default function CardShortcuts({ card }: { card: MemberCard }) {
  const open = (url: string) => void Taro.navigateTo({ url })
  return (
    <View className='card-shortcuts'>
      <View className='surface card-shortcut card-to-wallet' onClick={() => open(WALLET_PAGE)}>
        <Text className='card-shortcut__label'>我的积分</Text>
        <Text className='card-shortcut__value'>{formatPoints(card.pointsBalance)}</Text>
        <Text className='card-shortcut__hint'>明细与规则 ›</Text>
      </View>
      <View className='surface card-shortcut card-to-tier' onClick={() => open(TIER_PAGE)}>
        <Text className='card-shortcut__label'>会员等级</Text>
        <Text className='card-shortcut__value'>{card.tier.name || tierTheme(card.tier.level).fallbackName}</Text>
        <Text className='card-shortcut__hint'>等级权益 ›</Text>
      </View>
      <View className='surface card-shortcut card-to-coupons' onClick={() => open(COUPONS_PAGE)}>
        <Text className='card-shortcut__label'>优惠券</Text>
        <Text className='card-shortcut__value'>领券中心</Text>
        <Text className='card-shortcut__hint'>好券限量领 ›</Text>
      </View>
      <View className='surface card-shortcut card-to-my-coupons' onClick={() => open(MY_COUPONS_PAGE)}>
        <Text className='card-shortcut__label'>卡包</Text>
        <Text className='card-shortcut__value'>我的券</Text>
        <Text className='card-shortcut__hint'>查看与使用 ›</Text>
      </View>
    </View>
  )
}
