import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { memberCard } from '@mall/shared'
import { api } from '../../services/api'
import { fetchHome } from '../../services/home'
import { goToLogin, isLoggedIn } from '../../services/session'
import { MEMBER_CODE_PAGE } from '../../services/tabs'
import { COUPONS_PAGE } from '../../services/coupons'
import { CHECKIN_PAGE, INVITE_PAGE } from '../../services/engagement'
import { WALLET_PAGE } from '../../services/points'
import { LOTTERY_PAGE } from '../../services/lottery'
import { RECEIPT_PHOTOS_PAGE } from '../../services/receipt-photos'
import { POINTS_CLAIM_PAGE } from '../../services/points-claims'
import { FEEDBACK_PAGE } from '../../services/feedback'
import { useRemoteData } from '../../hooks/use-remote-data'
import { formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import RemoteState from '../../components/remote-state'
import HomeBanners from '../../components/home-banners'
import StoreDirectory from '../../components/store-directory'
import { AnnouncementList, EventList } from '../../components/home-notices'
import './index.css'

const ENTRIES = [
  { hook: 'home-to-coupons', url: COUPONS_PAGE, label: '领券中心', mark: '券' },
  { hook: 'home-to-checkin', url: CHECKIN_PAGE, label: '每日签到', mark: '签' },
  { hook: 'home-to-wallet', url: WALLET_PAGE, label: '积分明细', mark: '积' },
  { hook: 'home-to-invite', url: INVITE_PAGE, label: '邀请有礼', mark: '邀' },
  { hook: 'home-to-lottery', url: LOTTERY_PAGE, label: '积分抽奖', mark: '抽' },
  { hook: 'home-to-receipts', url: RECEIPT_PHOTOS_PAGE, label: '小票积分', mark: '票' },
  { hook: 'home-to-points-claim', url: POINTS_CLAIM_PAGE, label: '积分补登', mark: '补' },
  { hook: 'home-to-feedback', url: FEEDBACK_PAGE, label: '意见反馈', mark: '反' },
]

/** 首页: the member strip with the code one tap away, the operator's banners, news, events and stores. */
export default function HomePage() {
  const home = useRemoteData(fetchHome)
  const card = useRemoteData(() => api.get('/api/me/card', memberCard))

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void home.reload()
    void card.reload()
  })

  usePullDownRefresh(() => {
    void Promise.all([home.reload(), card.reload()]).finally(() => Taro.stopPullDownRefresh())
  })

  const content = home.data
  const nothingYet =
    content &&
    !content.banners.length &&
    !content.announcements.length &&
    !content.events.length &&
    !content.stores.length

  return (
    <View className='page home-page'>
      <View className='surface home-member' onClick={() => void Taro.switchTab({ url: MEMBER_CODE_PAGE })}>
        <View className='home-member__who'>
          <Text className='home-member__name'>{card.data ? card.data.nickname || '会员' : '你好'}</Text>
          <Text className='muted home-member__meta'>
            {card.data
              ? `${card.data.tier.name || tierTheme(card.data.tier.level).fallbackName} · ` +
                `${formatPoints(card.data.pointsBalance)} 积分`
              : card.error
                ? '会员信息暂不可用'
                : '会员信息加载中…'}
          </Text>
        </View>
        <Text className='btn-quiet home-member__code'>出示会员码</Text>
      </View>

      <View className='home-entries'>
        {ENTRIES.map((e) => (
          <View key={e.hook} className={`home-entry ${e.hook}`} onClick={() => void Taro.navigateTo({ url: e.url })}>
            <Text className='home-entry__mark'>{e.mark}</Text>
            <Text className='home-entry__label'>{e.label}</Text>
          </View>
        ))}
      </View>

      {content ? (
        <>
          <HomeBanners banners={content.banners} />
          <AnnouncementList items={content.announcements} />
          <EventList items={content.events} />
          {nothingYet ? (
            <View className='surface state-box home-empty'>
              <Text className='muted'>商场资讯即将上线，敬请期待</Text>
            </View>
          ) : (
            <StoreDirectory stores={content.stores} />
          )}
        </>
      ) : (
        <RemoteState remote={home} loadingText='商场资讯加载中…' errorClass='home-error' loadingClass='home-loading' />
      )}
    </View>
  )
}
