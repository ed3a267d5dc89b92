import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { memberCard } from '@mall/shared'
import { api } from '../../services/api'
import { LOGIN_PAGE, STAFF_LOGIN_PAGE, goToLogin, isLoggedIn, logout } from '../../services/session'
import { TIER_PAGE, WALLET_PAGE } from '../../services/points'
import { COUPONS_PAGE, MY_COUPONS_PAGE } from '../../services/coupons'
import { CHECKIN_PAGE, INVITE_PAGE } from '../../services/engagement'
import { FEEDBACK_PAGE } from '../../services/feedback'
import { MY_REDEMPTIONS_PAGE } from '../../services/mall'
import { LOTTERY_PAGE } from '../../services/lottery'
import { RECEIPT_PHOTOS_PAGE } from '../../services/receipt-photos'
import { POINTS_CLAIM_PAGE } from '../../services/points-claims'
import { MY_DATA_PAGE, PRIVACY_PAGE } from '../../services/privacy'
import { useRemoteData } from '../../hooks/use-remote-data'
import { formatMemberNo, formatPoints } from '../../lib/format'
import { tierTheme } from '../../lib/tier-theme'
import { openOtherArea } from '../../lib/area-document'
// the tier colours of the card face, before the rows' styles (the same order as on the 会员码 tab)
import '../../components/member-card-face/index.css'
import RemoteState from '../../components/remote-state'
import PhoneRow from '../../components/phone-row'
import BirthdayRow from '../../components/birthday-row'
import PrivacyConsentNotice from '../../components/privacy-consent-notice'
import DeletionBanner from '../../components/deletion-banner'
import { ACCOUNT_SECURITY_PAGE } from '../../services/account-deletion'
import './index.css'

const MENU = [
  { hook: 'me-to-wallet', url: WALLET_PAGE, label: '积分明细' },
  { hook: 'me-to-tier', url: TIER_PAGE, label: '会员等级与权益' },
  { hook: 'me-to-my-coupons', url: MY_COUPONS_PAGE, label: '我的券' },
  { hook: 'me-to-coupons', url: COUPONS_PAGE, label: '领券中心' },
  { hook: 'me-to-redemptions', url: MY_REDEMPTIONS_PAGE, label: '我的兑换' },
  { hook: 'me-to-lottery', url: LOTTERY_PAGE, label: '积分抽奖' },
  { hook: 'me-to-receipts', url: RECEIPT_PHOTOS_PAGE, label: '小票积分' },
  { hook: 'me-to-points-claim', url: POINTS_CLAIM_PAGE, label: '积分未到账' },
  { hook: 'me-to-checkin', url: CHECKIN_PAGE, label: '每日签到' },
  { hook: 'me-to-invite', url: INVITE_PAGE, label: '邀请有礼' },
  { hook: 'me-to-feedback', url: FEEDBACK_PAGE, label: '意见反馈' },
]

/** 我的: who the member is, everything that is theirs, phone and birthday, staff login and logout. */
export default function MePage() {
  const card = useRemoteData(() => api.get('/api/me/card', memberCard))

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void card.reload()
  })
  usePullDownRefresh(() => {
    void card.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const onLogout = async () => {
    const { confirm } = await Taro.showModal({
      title: '退出登录',
      content: '退出后需重新登录才能使用会员码和积分。',
      confirmText: '退出',
      cancelText: '取消',
    })
    if (!confirm) return
    logout()
    void Taro.reLaunch({ url: LOGIN_PAGE })
  }

  const c = card.data
  return (
    <View className='page me-page'>
      {/* a deletion waiting out its cooling-off: '账号将于 X月X日 注销' with 撤销注销 */}
      <DeletionBanner onCancelled={() => void card.reload()} />
      {c ? (
        <View className={`me-head ${tierTheme(c.tier.level).className}`}>
          <Text className='me-head__name'>{c.nickname || '会员'}</Text>
          <Text className='me-head__meta'>
            {c.tier.name || tierTheme(c.tier.level).fallbackName} · 会员号 {formatMemberNo(c.memberNo)}
          </Text>
          <Text className='me-head__points'>
            <Text className='me-points'>{formatPoints(c.pointsBalance)}</Text> 积分
          </Text>
        </View>
      ) : (
        <RemoteState remote={card} loadingText='会员信息加载中…' errorClass='me-error' loadingClass='me-loading' />
      )}

      <View className='surface me-menu'>
        {MENU.map((m) => (
          <View key={m.hook} className={`me-menu__item ${m.hook}`} onClick={() => void Taro.navigateTo({ url: m.url })}>
            <Text>{m.label}</Text>
            <Text className='muted'>›</Text>
          </View>
        ))}
      </View>

      {c ? <PhoneRow phoneMasked={c.phoneMasked} onBound={card.reload} canUnbind /> : null}
      {c ? <BirthdayRow birthday={c.birthday} onSaved={card.reload} /> : null}

      <View className='surface me-menu me-privacy'>
        <PrivacyConsentNotice />
        <View className='me-menu__item me-to-my-data' onClick={() => void Taro.navigateTo({ url: MY_DATA_PAGE })}>
          <Text>我的数据</Text>
          <Text className='muted'>查看与下载 ›</Text>
        </View>
        <View className='me-menu__item me-to-privacy' onClick={() => void Taro.navigateTo({ url: PRIVACY_PAGE })}>
          <Text>隐私保护指引</Text>
          <Text className='muted'>›</Text>
        </View>
      </View>

      <View className='surface me-menu me-account'>
        <View
          className='me-menu__item me-to-account-security'
          onClick={() => void Taro.navigateTo({ url: ACCOUNT_SECURITY_PAGE })}
        >
          <Text>账号与安全</Text>
          <Text className='muted'>注销账号 ›</Text>
        </View>
        <View className='me-menu__item me-to-staff' onClick={() => openOtherArea(STAFF_LOGIN_PAGE, 'navigateTo')}>
          <Text>员工登录</Text>
          <Text className='muted'>商户店员使用 ›</Text>
        </View>
        <View className='me-menu__item me-logout' onClick={() => void onLogout()}>
          <Text className='me-logout__label'>退出登录</Text>
        </View>
      </View>
    </View>
  )
}
