import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { MemberWechatPayStatus, NotificationSettings, ReceiptPhotoSubmission, WalletSummary } from '@mall/shared'
import { fetchWalletSummary } from '../../services/points'
import { knownNotificationSettings, loadNotificationSettings, offerSubscriptions } from '../../services/notifications'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { useWalletHistory, type WalletHistoryState } from '../../hooks/use-wallet-history'
import { formatPoints } from '../../lib/format'
import { formatChineseDate } from '../../lib/points-format'
import WalletEntryRow from '../../components/wallet-entry-row'
import RulesSection from '../../components/rules-section'
import RemoteState from '../../components/remote-state'
import WechatPaySection from '../../components/wechat-pay-section'
import { fetchWechatPayStatus } from '../../services/wechat-pay'
import { fetchMyReceiptPhotos } from '../../services/receipt-photos'
import WalletReceiptRows, { receiptsWithoutEntry } from '../../components/wallet-receipt-rows'
import { POINTS_CLAIM_PAGE } from '../../services/points-claims'
import { LOTTERY_PAGE } from '../../services/lottery'
import './index.css'

/** Plain-language rules; keep in step with the server's earning, expiry and redemption rules. */
const WALLET_RULES = [
  '消费每满1元得1积分（会员等级有倍数加成，会员日每月18日双倍）。',
  '积分在获得当月起第12个月月底过期，先到期的积分先使用。',
  '100积分可抵1元。',
  '退货将扣回对应积分。',
]

/**
 * 积分钱包: balance, outstanding clawback debt, points expiring in the next three months, the
 * history list (cursor-paged) headed by receipt photos still 待审核 or 未通过, the rules and (weapp) the
 * points reminders: subscribe messages when points arrive and before they expire. Test hooks:
 * wallet-balance, wallet-expiring, wallet-entry, wallet-receipt, wallet-load-more, wallet-reminders.
 */
export default function WalletPage() {
  const summary = useRemoteData(fetchWalletSummary)
  const history = useWalletHistory()
  const [reminders, setReminders] = useState<NotificationSettings | null>(null)
  const [wechatPay, setWechatPay] = useState<MemberWechatPayStatus | null>(null)
  // Receipt photos under review or refused: no points entry yet, so listed above the history.
  const [receipts, setReceipts] = useState<ReceiptPhotoSubmission[]>([])
  const reloadReceipts = () =>
    fetchMyReceiptPhotos().then(
      (items) => setReceipts(receiptsWithoutEntry(items, Date.now())),
      () => setReceipts([]),
    )

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    // The balance may have changed while we were away (a purchase at a till); the history list
    // keeps its scroll position and is refreshed by pull-down instead.
    void summary.reload()
    if (history.items.length === 0) void history.reload()
    void loadNotificationSettings().then(setReminders)
    void fetchWechatPayStatus().then(setWechatPay, () => setWechatPay(null))
    void reloadReceipts()
  })

  usePullDownRefresh(() => {
    void Promise.all([summary.reload(), history.reload(), reloadReceipts()]).finally(() => Taro.stopPullDownRefresh())
  })

  useReachBottom(() => {
    void history.loadMore()
  })

  return (
    <View className='page wallet-page'>
      {summary.data ? (
        <SummaryPanels summary={summary.data} />
      ) : (
        <RemoteState
          remote={summary}
          errorClass='wallet-summary-error'
          loadingClass='wallet-summary-skeleton'
          loadingText='积分加载中…'
        />
      )}

      {reminders ? <PointsReminders settings={reminders} onChange={setReminders} /> : null}
      {wechatPay ? <WechatPaySection status={wechatPay} /> : null}
      <View
        className='surface wallet-section wallet-claim-link'
        onClick={() => void Taro.navigateTo({ url: POINTS_CLAIM_PAGE })}
      >
        <Text>消费后积分没到账？</Text>
        <Text className='wallet-claim-link__go'>申请补登 ›</Text>
      </View>
      <View
        className='surface wallet-section wallet-claim-link wallet-lottery-link'
        onClick={() => void Taro.navigateTo({ url: LOTTERY_PAGE })}
      >
        <Text>用积分抽好礼</Text>
        <Text className='wallet-claim-link__go'>积分抽奖 ›</Text>
      </View>

      <View className='surface wallet-section'>
        <Text className='wallet-section__title'>积分明细</Text>
        <WalletReceiptRows receipts={receipts} />
        <HistoryList history={history} />
      </View>

      <RulesSection title='积分规则' rules={WALLET_RULES} className='wallet-rules' />
    </View>
  )
}

function SummaryPanels({ summary }: { summary: WalletSummary }) {
  const expiring = summary.expiring.filter((e) => e.points > 0)
  return (
    <View>
      <View className='surface wallet-hero'>
        <Text className='wallet-hero__label'>可用积分</Text>
        <Text className='wallet-hero__balance wallet-balance'>{formatPoints(summary.balance)}</Text>
        <Text className='wallet-hero__hint'>100积分可抵1元</Text>
        {summary.debt > 0 ? (
          <Text className='wallet-debt'>有 {formatPoints(summary.debt)} 积分待补扣，补足前暂不能使用积分</Text>
        ) : null}
        <View className='wallet-stats'>
          <Stat label='累计获得' value={summary.lifetimeEarned} />
          <Stat label='累计使用' value={summary.lifetimeSpent} />
          <Stat label='已过期' value={summary.lifetimeExpired} />
        </View>
      </View>

      <View className='surface wallet-section wallet-expiring'>
        <Text className='wallet-section__title'>即将过期</Text>
        {expiring.length > 0 ? (
          expiring.map((e) => (
            <Text key={e.expiresOn} className='wallet-expiring__item'>
              {formatPoints(e.points)} 积分将于 {formatChineseDate(e.expiresOn)} 过期
            </Text>
          ))
        ) : (
          <Text className='muted'>近三个月没有即将过期的积分</Text>
        )}
      </View>
    </View>
  )
}

const REMINDER_KINDS = ['points_earned', 'points_expiring'] as const

/** weapp: each tap asks WeChat once more; every accepted reminder is one message the mall may send. */
function PointsReminders(props: { settings: NotificationSettings; onChange: (s: NotificationSettings) => void }) {
  const { settings, onChange } = props
  const left = settings.templates.filter((t) => (REMINDER_KINDS as readonly string[]).includes(t.kind))
  const onTap = () => {
    void offerSubscriptions([...REMINDER_KINDS]).then((accepted) => {
      if (accepted.length === 0) return
      const next = knownNotificationSettings() // as the server answered the subscription
      if (next) onChange(next)
      void Taro.showToast({ title: '已开启提醒', icon: 'success' })
    })
  }
  return (
    <View className='surface wallet-section wallet-reminders'>
      <Text className='wallet-section__title'>积分提醒</Text>
      {left.map((t) => (
        <Text key={t.kind} className='muted'>
          {t.title}：{t.credits > 0 ? `还可提醒 ${t.credits} 次` : '未开启'}
        </Text>
      ))}
      <Button className='btn-quiet' size='mini' onClick={onTap}>
        开启提醒
      </Button>
    </View>
  )
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <View className='wallet-stat'>
      <Text className='wallet-stat__value'>{formatPoints(value)}</Text>
      <Text className='wallet-stat__label'>{label}</Text>
    </View>
  )
}

function HistoryList({ history }: { history: WalletHistoryState }) {
  const { items, error, initialLoading, loadingMore, exhausted } = history

  if (items.length === 0) {
    if (initialLoading) return <Text className='muted state-box'>明细加载中…</Text>
    if (error) {
      return (
        <View className='state-box'>
          <Text className='error-text'>{error.message}</Text>
          <Button className='btn-quiet' size='mini' onClick={() => void history.reload()}>
            重试
          </Button>
        </View>
      )
    }
    return <Text className='muted state-box wallet-history-empty'>暂无积分记录</Text>
  }

  return (
    <View className='wallet-history'>
      {items.map((entry) => (
        <WalletEntryRow key={entry.seq} entry={entry} />
      ))}
      <View className='wallet-history__footer'>
        {exhausted ? (
          <Text className='muted wallet-history-end'>没有更多了</Text>
        ) : (
          <>
            {error ? <Text className='error-text'>{error.message}</Text> : null}
            {/* Reach-bottom never fires when the list is shorter than the screen, and H5 tests
                need something clickable, so the button stays as a fallback everywhere. */}
            <Button
              className={`btn-quiet wallet-load-more ${loadingMore ? 'is-busy' : ''}`}
              size='mini'
              onClick={() => void history.loadMore()}
            >
              {loadingMore ? '加载中…' : error ? '重试' : '加载更多'}
            </Button>
          </>
        )}
      </View>
    </View>
  )
}
