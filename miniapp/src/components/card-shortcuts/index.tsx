import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { MemberCard } from '@mall/shared'
import { formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import { TIER_PAGE, WALLET_PAGE } from '../../services/points'
import './index.css'

/**
 * Two tiles under the card: points -> wallet, tier -> tier page. navigateTo (not reLaunch) so
 * "back" returns to the card. `card-to-wallet` / `card-to-tier` are e2e hooks.
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
    </View>
  )
}
