import { useMemo } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { tierProgress, type TierDefinition } from '@mall/shared'
import { fetchTierInfo, type TierInfoResponse } from '../../services/points'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { formatPoints } from '../../lib/format'
import { formatChineseDate } from '../../lib/points-format'
import { clockSkewMs, serverNow } from '../../lib/server-clock'
import { tierTheme } from '../../lib/tier-theme'
import TierBenefitsTable from '../../components/tier-benefits-table'
import RulesSection from '../../components/rules-section'
import RemoteState from '../../components/remote-state'
import './index.css'

const TIER_RULES = [
  '成长值 = 近12个月的消费金额（元），参加活动获得的成长值奖励也计入。',
  '成长值达到更高等级的门槛时立即升级。',
  '每月初评估一次：成长值未达到当前等级的保级门槛时，最多降一级。',
]

interface LoadedTier {
  info: TierInfoResponse
  /** server minus local clock at arrival, so "this month" follows the mall's clock */
  skewMs: number
}

async function loadTier(): Promise<LoadedTier> {
  const info = await fetchTierInfo()
  return { info, skewMs: clockSkewMs(info.serverTime, Date.now()) }
}

/**
 * 会员等级: progress is computed on the device with the same pure tierProgress() the server
 * uses, from the raw monthly spend the API returns. Test hooks: tier-current, tier-progress,
 * tier-message, tier-benefits-row.
 */
export default function TierPage() {
  const tier = useRemoteData(loadTier)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void tier.reload()
  })

  usePullDownRefresh(() => {
    void tier.reload().finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className='page tier-page'>
      {tier.data ? (
        <TierDetails loaded={tier.data} />
      ) : (
        <RemoteState remote={tier} errorClass='tier-error' loadingClass='tier-skeleton' loadingText='会员等级加载中…' />
      )}
      <RulesSection title='等级规则' rules={TIER_RULES} className='tier-rules' />
    </View>
  )
}

function TierDetails({ loaded }: { loaded: LoadedTier }) {
  const { info, skewMs } = loaded
  // Recomputed per response (pull-down / page show), which is as fresh as the spend data itself.
  const progress = useMemo(
    () => tierProgress(info.tiers, info.tierLevel, info, serverNow(skewMs, Date.now())),
    [info, skewMs],
  )
  const current = info.tiers.find((t) => t.level === progress.current.level)
  const percent = Math.round(progress.ratio * 100)

  return (
    <View>
      <View className={`tier-hero ${tierTheme(progress.current.level).className}`}>
        <Text className='tier-hero__label'>当前等级</Text>
        <Text className='tier-hero__name tier-current'>{progress.current.name}</Text>
        <View className='tier-hero__growth'>
          <Text className='tier-hero__growth-label'>成长值</Text>
          <Text className='tier-hero__growth-value tier-growth'>{formatPoints(progress.growth)}</Text>
        </View>
      </View>

      <View className='surface tier-section'>
        <View className='tier-progress-head'>
          <Text className='tier-progress-head__from'>{progress.current.name}</Text>
          <Text className='tier-progress-head__to'>{progress.next ? progress.next.name : '已达最高等级'}</Text>
        </View>
        <View className='tier-progress' data-ratio={progress.ratio}>
          <View className='tier-progress__fill' style={{ width: `${percent}%` }} />
        </View>
        {progress.next ? (
          <Text className='muted tier-progress-caption'>
            {formatPoints(progress.growth)} / {formatPoints(nextEntry(info.tiers, progress.next.level))}
          </Text>
        ) : null}
        <Text className='tier-message'>{progress.message}</Text>
        <Text className='tier-retention muted'>{retentionNote(progress, current)}</Text>
      </View>

      <View className='surface tier-section'>
        <Text className='tier-section__title'>等级权益</Text>
        <TierBenefitsTable tiers={info.tiers} currentLevel={progress.current.level} />
      </View>
    </View>
  )
}

function nextEntry(tiers: TierDefinition[], level: number): number {
  return tiers.find((t) => t.level === level)?.entryGrowth ?? 0
}

/**
 * The retention sentence. tierProgress().message only mentions retention when spend is still
 * missing; members who are safe, or on the base tier, also want to know where they stand.
 */
function retentionNote(progress: ReturnType<typeof tierProgress>, current: TierDefinition | undefined): string {
  const { retain, expiringGrowthThisMonth } = progress
  if (!retain || !current) return '当前等级无需保级。'
  const day = formatChineseDate(retain.evaluationDay)
  const dropping =
    expiringGrowthThisMonth > 0 ? `本月底将有 ${formatPoints(expiringGrowthThisMonth)} 成长值移出统计范围；` : ''
  if (retain.growthNeeded > 0) {
    return (
      `${dropping}保级门槛为成长值 ${formatPoints(current.retainGrowth)}，` +
      `${day}前还需消费 ${formatPoints(retain.growthNeeded)} 元。`
    )
  }
  return `${dropping}保级门槛为成长值 ${formatPoints(current.retainGrowth)}，您已满足，下次评估后将保持${current.name}。`
}
