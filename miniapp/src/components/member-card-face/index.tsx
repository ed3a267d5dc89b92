import { View, Text } from '@tarojs/components'
import type { MemberCard } from '@mall/shared'
import { formatMemberNo, formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import './index.css'

/**
 * The physical-card look: tier colour, nickname, member number, points.
 * Class names card-member-no / card-tier / card-points are e2e test hooks; keep them and
 * keep each one holding only its value (no labels inside).
 */
export default function MemberCardFace({ card }: { card: MemberCard }) {
  const theme = tierTheme(card.tier.level)
  return (
    <View className={`card-face ${theme.className}`}>
      <View className='card-face__top'>
        <Text className='card-face__nickname'>{card.nickname || '会员'}</Text>
        <Text className='card-face__tier card-tier'>{card.tier.name || theme.fallbackName}</Text>
      </View>
      <View className='card-face__no-row'>
        <Text className='card-face__label'>会员号</Text>
        <Text className='card-face__no card-member-no'>{formatMemberNo(card.memberNo)}</Text>
      </View>
      <View className='card-face__bottom'>
        <View className='card-face__points'>
          <Text className='card-face__points-value card-points'>{formatPoints(card.pointsBalance)}</Text>
          <Text className='card-face__label'>积分</Text>
        </View>
        <Text className='card-face__brand'>MALL CLUB</Text>
      </View>
    </View>
  )
}
