import { useEffect, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button, Switch } from '@tarojs/components'
import type { CheckinResult, CheckinStatus } from '@mall/shared'
import {
  buyMakeupCard,
  checkIn,
  fetchCheckinStatus,
  makeupCheckin,
  setCheckinReminder,
} from '../../services/engagement'
import { reportActionError } from '../../services/action-error'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import { formatPoints } from '../../lib/format'
import {
  buildCalendar,
  canMakeup,
  milestoneText,
  monthLabel,
  monthNav,
  rewardDetail,
  rewardText,
  shortDayLabel,
  type CalendarCell,
} from '../../lib/checkin-calendar'
import CheckinCalendar from '../../components/checkin-calendar'
import RulesSection from '../../components/rules-section'
import RemoteState from '../../components/remote-state'
import './index.css'

const REWARD_VISIBLE_MS = 3500
const MAKEUP_CARD_KEY = 'makeup-card'

/**
 * 每日签到: the big button, streak and next milestone, the month calendar (tap a missed day to
 * 补签), make-up cards and the reminder switch. Test hooks: checkin-button, checkin-streak,
 * checkin-day, checkin-reward, makeup-buy, makeup-count, checkin-prev-month / checkin-next-month.
 */
export default function CheckinPage() {
  // null = the server's current month (the phone's clock may be off, or in another time zone).
  const [viewMonth, setViewMonth] = useState<string | null>(null)
  const status = useRemoteData(() => fetchCheckinStatus(viewMonth), { key: viewMonth ?? '' })
  const [busy, setBusy] = useState(false)
  const busyRef = useRef(false)
  const [reward, setReward] = useState<CheckinResult | null>(null)
  const rewardTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const cardKeys = useRef(createClaimKeys()).current

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void status.reload()
  })
  const firstRender = useRef(true)
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false
      return
    }
    void status.reload()
  }, [viewMonth]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => clearTimeout(rewardTimer.current ?? undefined), [])

  usePullDownRefresh(() => {
    void status.reload().finally(() => Taro.stopPullDownRefresh())
  })

  /** One write at a time; afterwards the status is fetched again (streak, cards, calendar). */
  const act = async (run: () => Promise<void>) => {
    if (busyRef.current) return
    busyRef.current = true
    setBusy(true)
    try {
      await run()
    } catch (e) {
      reportActionError(e)
    } finally {
      busyRef.current = false
      setBusy(false)
    }
    void status.reload()
  }

  const celebrate = (result: CheckinResult) => {
    setReward(result)
    if (rewardTimer.current) clearTimeout(rewardTimer.current)
    rewardTimer.current = setTimeout(() => setReward(null), REWARD_VISIBLE_MS)
  }

  const s = status.data
  const onCheckIn = () => {
    if (!s) return
    if (s.checkedInToday) {
      void Taro.showToast({ title: '今日已签到，明天再来', icon: 'none' })
      return
    }
    void act(async () => {
      celebrate(await checkIn())
      if (viewMonth !== null) setViewMonth(null)
    })
  }

  const onDayTap = (cell: CalendarCell) => {
    if (!s || !cell.day || !cell.missed) return
    if (!cell.makeupable) {
      const why = s.makeupCards <= 0 ? '没有补签卡，可用积分购买' : '本月补签次数已用完'
      void Taro.showToast({ title: why, icon: 'none' })
      return
    }
    const day = cell.day
    void act(async () => {
      const { confirm } = await Taro.showModal({ title: '补签', content: `使用 1 张补签卡补签${shortDayLabel(day)}？` })
      if (confirm) celebrate(await makeupCheckin(day))
    })
  }

  const onBuyCard = () => {
    if (!s) return
    void act(async () => {
      const { confirm } = await Taro.showModal({
        title: '购买补签卡',
        content: `花费 ${formatPoints(s.makeupCardPricePoints)} 积分购买 1 张补签卡？`,
      })
      if (!confirm) return
      try {
        await buyMakeupCard(cardKeys.keyFor(MAKEUP_CARD_KEY))
        cardKeys.settle(MAKEUP_CARD_KEY, null)
      } catch (e) {
        cardKeys.settle(MAKEUP_CARD_KEY, e as { status: number; code: string })
        throw e
      }
      void Taro.showToast({ title: '购买成功', icon: 'success' })
    })
  }

  // What the switch shows after a change (the status reload catches up later); the key remounts
  // the switch so a refused or failed change visibly flips back.
  const [reminder, setReminder] = useState<boolean | null>(null)
  const [reminderKey, setReminderKey] = useState(0)
  const onReminder = (subscribe: boolean) =>
    void act(async () => {
      let shown = !subscribe
      try {
        const outcome = await setCheckinReminder(subscribe)
        if ('declined' in outcome) {
          void Taro.showToast({ title: '未允许订阅消息，提醒未开启', icon: 'none' })
        } else {
          shown = outcome.subscribed
          void Taro.showToast({ title: shown ? '已开启签到提醒' : '已关闭签到提醒', icon: 'none' })
        }
      } finally {
        setReminder(shown)
        setReminderKey((k) => k + 1)
      }
    })

  if (!s) {
    return (
      <View className='page checkin-page'>
        <RemoteState
          remote={status}
          errorClass='checkin-error'
          loadingClass='checkin-loading'
          loadingText='签到信息加载中…'
        />
      </View>
    )
  }

  const nav = monthNav(s.month, s.today)
  const milestone = milestoneText(s.nextMilestone)
  return (
    <View className='page checkin-page'>
      <View className='surface checkin-hero'>
        <Text className='checkin-streak' data-streak={String(s.streak)}>
          已连续签到 <Text className='checkin-streak__num'>{s.streak}</Text> 天
        </Text>
        {milestone ? <Text className='checkin-milestone'>{milestone}</Text> : null}
        {/* Disabled look via a class: Taro H5 renders disabled="false" as an attribute. */}
        <Button
          className={`btn-primary checkin-button ${s.checkedInToday ? 'is-disabled' : ''} ${busy ? 'is-busy' : ''}`}
          data-checked={s.checkedInToday ? 'true' : 'false'}
          onClick={onCheckIn}
        >
          {s.checkedInToday ? '今日已签到' : `签到 +${s.basePoints}积分`}
        </Button>
        {reward ? <RewardBubble result={reward} /> : null}
      </View>

      <View className='surface checkin-month'>
        <View className='checkin-month__head'>
          <Text
            className={`checkin-month__nav checkin-prev-month ${nav.prev ? '' : 'is-off'}`}
            onClick={() => nav.prev && setViewMonth(nav.prev)}
          >
            ‹ 上月
          </Text>
          <Text className='checkin-month__title checkin-month-label'>
            {monthLabel(s.month)}
            {status.loading ? '…' : ''}
          </Text>
          <Text
            className={`checkin-month__nav checkin-next-month ${nav.next ? '' : 'is-off'}`}
            onClick={() => nav.next && setViewMonth(nav.next)}
          >
            下月 ›
          </Text>
        </View>
        <CheckinCalendar cells={buildCalendar(s)} onDayTap={onDayTap} />
      </View>

      <MakeupPanel status={s} onBuy={onBuyCard} />

      <View className='surface checkin-reminder-row'>
        <View>
          <Text className='checkin-reminder-row__title'>签到提醒</Text>
          <Text className='muted checkin-reminder-row__hint'>每天提醒我签到，不错过连签奖励</Text>
        </View>
        <Switch
          key={reminderKey}
          className='checkin-reminder'
          checked={reminder ?? s.reminderSubscribed}
          color='#ff8a00'
          onChange={(e) => onReminder(e.detail.value)}
        />
      </View>

      <RulesSection title='签到规则' className='checkin-rules' rules={checkinRules(s)} />
    </View>
  )
}

function RewardBubble({ result }: { result: CheckinResult }) {
  const detail = rewardDetail(result)
  return (
    <View className='checkin-reward' data-points={String(result.rewardPoints)}>
      <Text className='checkin-reward__points'>{rewardText(result)}</Text>
      {detail ? <Text className='checkin-reward__detail'>{detail}</Text> : null}
    </View>
  )
}

function MakeupPanel({ status, onBuy }: { status: CheckinStatus; onBuy: () => void }) {
  const left = Math.max(0, status.makeupMonthlyCap - status.makeupUsedThisMonth)
  return (
    <View className='surface checkin-makeup'>
      <View>
        <Text className='checkin-makeup__title'>
          补签卡 <Text className='makeup-count'>{status.makeupCards}</Text> 张
        </Text>
        <Text className='muted checkin-makeup__hint'>
          {canMakeup(status)
            ? '点日历中带「补」的日子即可补签'
            : left > 0
              ? '本月可补签 ' + left + ' 次'
              : '本月补签次数已用完'}
        </Text>
      </View>
      <Button className='btn-quiet makeup-buy' size='mini' onClick={onBuy}>
        购买补签卡（{formatPoints(status.makeupCardPricePoints)}积分）
      </Button>
    </View>
  )
}

function checkinRules(s: CheckinStatus): string[] {
  return [
    `每天签到得 ${s.basePoints} 积分，连续签到到达里程碑可额外获得奖励，奖励按周期循环。`,
    '断签后连续天数从 1 重新计算；以北京时间 0 点为一天的开始。',
    `补签卡可补签本月内错过的日子，每月最多补签 ${s.makeupMonthlyCap} 次；补签只得基础积分。`,
    `补签卡可通过连签奖励获得，或花费 ${s.makeupCardPricePoints} 积分购买。`,
  ]
}
