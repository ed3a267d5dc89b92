import { View, Text } from '@tarojs/components'
import type { TierDefinition } from '@mall/shared'
import { formatPoints } from '../../lib/format'
import { formatMultiplier } from '../../lib/points-format'
import './index.css'

/**
 * Benefits of every tier side by side, so members see what the next tier is worth. Each tier is
 * one `tier-benefits-row` (e2e hook): four numeric columns, then the perks on a full-width line
 * because perk lists are too long for a phone-width column.
 */
export default function TierBenefitsTable({ tiers, currentLevel }: { tiers: TierDefinition[]; currentLevel: number }) {
  const sorted = [...tiers].sort((a, b) => a.level - b.level)
  return (
    <View className='tier-table'>
      <View className='tier-table__head'>
        <Text className='tier-table__cell tier-table__cell--name'>等级</Text>
        <Text className='tier-table__cell'>积分倍数</Text>
        <Text className='tier-table__cell'>免费停车</Text>
        <Text className='tier-table__cell'>生日积分</Text>
        <Text className='tier-table__cell'>每月券</Text>
      </View>
      {sorted.map((tier) => {
        const { benefits } = tier
        const isCurrent = tier.level === currentLevel
        return (
          <View
            key={tier.level}
            className={`tier-benefits-row ${isCurrent ? 'tier-benefits-row--current' : ''}`}
            data-level={tier.level}
          >
            <View className='tier-table__cols'>
              <View className='tier-table__cell tier-table__cell--name'>
                <Text className='tier-table__name'>{tier.name}</Text>
                {isCurrent ? <Text className='tier-table__badge'>当前</Text> : null}
              </View>
              <Text className='tier-table__cell'>{formatMultiplier(tier.multiplierPermille)}</Text>
              <Text className='tier-table__cell'>
                {benefits.freeParkingHours > 0 ? `${benefits.freeParkingHours} 小时` : '—'}
              </Text>
              <Text className='tier-table__cell'>
                {benefits.birthdayGiftPoints > 0 ? formatPoints(benefits.birthdayGiftPoints) : '—'}
              </Text>
              <Text className='tier-table__cell'>
                {benefits.monthlyCoupons > 0 ? `${benefits.monthlyCoupons} 张` : '—'}
              </Text>
            </View>
            <Text className='tier-table__perks'>
              {tier.entryGrowth > 0 ? `成长值 ${formatPoints(tier.entryGrowth)} 升级` : '注册即享'}
              {benefits.perks.length > 0 ? ` · ${benefits.perks.join('、')}` : ''}
            </Text>
          </View>
        )
      })}
    </View>
  )
}
