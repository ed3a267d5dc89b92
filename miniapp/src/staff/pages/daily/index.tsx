import { useEffect, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { addDays, shanghaiDay, type StoreDaySummary } from '@mall/shared'
import { fetchStoreDaily, goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import { formatPoints } from '../../../lib/format'
import { formatChineseDate, formatYuan } from '../../../lib/points-format'
import StateView from '../../components/state-view'
import SalesReport from '../../components/sales-report'
import { useStaffData } from '../../lib/use-staff-data'
import '../../staff.css'
import './index.css'

/**
 * 门店日报 (managers): the store's totals for one Shanghai day (posted purchases only), coupons
 * redeemed, pending approvals, flagged purchases and a per-staff table. Hooks: daily-summary,
 * daily-flagged, daily-staff-row, daily-prev, daily-next.
 */
export default function DailyPage() {
  // null = let the server pick today (its clock, Shanghai calendar)
  const [day, setDay] = useState<string | null>(null)
  const summary = useStaffData(() => fetchStoreDaily(day ?? undefined))

  useDidShow(() => {
    if (!isStaffLoggedIn()) {
      goToStaffLogin()
      return
    }
    void summary.reload()
  })
  usePullDownRefresh(() => {
    void summary.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const shown = summary.data
  const go = (delta: number) => {
    if (!shown || summary.loading) return
    setDay(addDays(shown.day, delta))
  }
  // Fetch after the render that gave the fetcher the new day.
  useEffect(() => {
    if (day !== null) void summary.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [day])
  const isToday = shown ? shown.day >= shanghaiDay(new Date()) : true

  return (
    <View className='page staff-page'>
      <View className='surface daily-nav'>
        <Button className={`staff-btn-secondary daily-prev ${shown ? '' : 'staff-btn--off'}`} onClick={() => go(-1)}>
          前一天
        </Button>
        <Text className='daily-nav__day'>{shown ? formatChineseDate(shown.day) : '…'}</Text>
        <Button
          className={`staff-btn-secondary daily-next ${isToday ? 'staff-btn--off' : ''}`}
          onClick={() => !isToday && go(1)}
        >
          后一天
        </Button>
      </View>
      <StateView
        loading={summary.loading}
        error={summary.error}
        hasData={shown !== null}
        empty={false}
        emptyText=''
        onRetry={() => void summary.reload()}
      />
      {summary.error && shown ? <Text className='staff-error'>{summary.error.message}</Text> : null}
      {shown ? <Summary summary={shown} /> : null}
      {shown ? <SalesReport summary={shown} onSaved={() => summary.reload()} /> : null}
    </View>
  )
}

function Summary({ summary }: { summary: StoreDaySummary }) {
  const stats: Array<{ label: string; value: string; hook: string; warn?: boolean }> = [
    { label: '消费笔数', value: formatPoints(summary.purchases), hook: 'daily-purchases' },
    { label: '消费金额', value: `¥${formatYuan(summary.amountFen)}`, hook: 'daily-amount' },
    { label: '发放积分', value: formatPoints(summary.points), hook: 'daily-points' },
    { label: '核销券数', value: formatPoints(summary.couponsRedeemed), hook: 'daily-coupons' },
    {
      label: '待审批',
      value: formatPoints(summary.pendingApprovals),
      hook: 'daily-pending',
      warn: summary.pendingApprovals > 0,
    },
    { label: '异常标记', value: formatPoints(summary.flagged), hook: 'daily-flagged', warn: summary.flagged > 0 },
  ]
  return (
    <View className='staff-page daily-summary'>
      <View className='surface daily-stats'>
        {stats.map((s) => (
          <View key={s.hook} className={`daily-stat ${s.hook} ${s.warn ? 'daily-stat--warn' : ''}`}>
            <Text className='muted'>{s.label}</Text>
            <Text className='daily-stat__value'>{s.value}</Text>
          </View>
        ))}
      </View>
      <View className='surface'>
        <Text className='staff-label'>员工明细</Text>
        {summary.byStaff.length === 0 ? (
          <View className='state-box'>
            <Text className='muted'>当天暂无入账消费</Text>
          </View>
        ) : (
          // Two lines per person, not four columns: amounts like ¥12,345.00 collided at 320 px.
          summary.byStaff.map((row) => (
            <View key={row.staffId} className='daily-staff-row'>
              <View className='daily-staff-row__left'>
                <Text className='daily-staff-row__name'>{row.staffName ?? row.staffId}</Text>
                <Text className='muted'>{formatPoints(row.purchases)} 笔</Text>
              </View>
              <View className='daily-staff-row__right'>
                <Text className='daily-staff-row__amount'>¥{formatYuan(row.amountFen)}</Text>
                <Text className='muted'>{formatPoints(row.points)} 积分</Text>
              </View>
            </View>
          ))
        )}
      </View>
    </View>
  )
}
