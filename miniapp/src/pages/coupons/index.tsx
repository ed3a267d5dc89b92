import { useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { ClaimableCoupon } from '@mall/shared'
import { ApiError } from '../../services/api'
import { MY_COUPONS_PAGE, claimCoupon, fetchClaimableCoupons } from '../../services/coupons'
import { loadNotificationSettings, offerSubscriptions } from '../../services/notifications'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import { claimButtonState, claimedText, priceText, stockText } from '../../lib/coupon-format'
import { formatPoints } from '../../lib/format'
import { fetchWalletSummary } from '../../services/points'
import CouponTicket from '../../components/coupon-ticket'
import RemoteState from '../../components/remote-state'
import './index.css'

/**
 * 领券中心: every coupon the member could claim, with why not when they can't. A claim sends an
 * Idempotency-Key (see lib/claim-keys), toasts the outcome and reloads the list (stock and
 * "已领取" change). weapp: the claim tap also offers the coupon-expiry reminder (subscribe message)
 * while the member has none left. Test hooks: coupon-card, coupon-claim-button, coupon-outcome.
 */
export default function CouponsPage() {
  const list = useRemoteData(fetchClaimableCoupons)
  const claimKeys = useRef(createClaimKeys()).current
  const [claiming, setClaiming] = useState<string | null>(null)
  // State updates are async: a fast double tap would otherwise see `claiming` still null.
  const claimInFlight = useRef(false)
  const [outcome, setOutcome] = useState('')

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void list.reload()
    void loadNotificationSettings()
  })

  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const claim = async (coupon: ClaimableCoupon) => {
    // One claim at a time: a double tap must not send two requests with two different keys.
    if (claimInFlight.current || claimButtonState(coupon).disabled) return
    // First, inside the tap (WeChat's rule for the permission dialog); a no-op on H5.
    void offerSubscriptions(['coupon_expiring'], { onlyWhenNone: true })
    claimInFlight.current = true
    setClaiming(coupon.templateId)
    try {
      if (coupon.pricePoints > 0 && !(await confirmSpend(coupon))) return
      await claimCoupon(coupon.templateId, claimKeys.keyFor(coupon.templateId))
      claimKeys.settle(coupon.templateId, null)
      setOutcome('领取成功')
      void Taro.showToast({ title: '领取成功', icon: 'success' })
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      claimKeys.settle(coupon.templateId, err)
      setOutcome(err.message)
      if (err.isAuthLost) {
        logout()
        goToLogin()
        return
      }
      void Taro.showToast({ title: err.message, icon: 'none' })
    } finally {
      claimInFlight.current = false
      setClaiming(null)
    }
    void list.reload()
  }

  const coupons = list.data

  return (
    <View className='page coupons-page'>
      <View className='coupons-head'>
        <Text className='muted'>好券限量，先到先得</Text>
        <Text
          className='coupons-head__link coupons-to-my-coupons'
          onClick={() => void Taro.navigateTo({ url: MY_COUPONS_PAGE })}
        >
          我的券 ›
        </Text>
      </View>
      <Text className={`coupon-outcome ${outcome === '领取成功' ? 'coupon-outcome--ok' : ''}`}>{outcome}</Text>

      {coupons && coupons.length > 0 ? (
        coupons.map((c) => (
          <ClaimableCard key={c.templateId} coupon={c} busy={claiming === c.templateId} onClaim={claim} />
        ))
      ) : coupons ? (
        <View className='surface state-box coupons-empty'>
          <Text className='muted'>暂无可领取的优惠券</Text>
        </View>
      ) : (
        <RemoteState
          remote={list}
          errorClass='coupons-error'
          loadingClass='coupons-loading'
          loadingText='优惠券加载中…'
        />
      )}
    </View>
  )
}

interface ClaimableCardProps {
  coupon: ClaimableCoupon
  busy: boolean
  onClaim: (coupon: ClaimableCoupon) => void
}

function ClaimableCard({ coupon, busy, onClaim }: ClaimableCardProps) {
  const button = claimButtonState(coupon)
  const claimed = claimedText(coupon)
  return (
    <CouponTicket
      className='coupon-card'
      headline={coupon.headline}
      name={coupon.name}
      type={coupon.type}
      dimmed={button.disabled && coupon.blocker !== 'LIMIT_REACHED'}
      lines={
        <>
          <Text>{coupon.validityText}</Text>
          <Text className='coupon-card__stock'>{stockText(coupon.stockLeft)}</Text>
          {claimed ? <Text>{claimed}</Text> : null}
        </>
      }
      aside={
        <>
          <Text className={`coupon-card__price ${coupon.pricePoints > 0 ? '' : 'coupon-card__price--free'}`}>
            {priceText(coupon.pricePoints)}
          </Text>
          {/* Disabled look via a class (Taro H5 renders disabled="false" as an attribute). */}
          <Button
            className={`coupon-claim-button ${button.disabled ? 'is-disabled' : ''} ${busy ? 'is-busy' : ''}`}
            size='mini'
            data-blocker={coupon.blocker ?? ''}
            onClick={() => onClaim(coupon)}
          >
            {busy ? '领取中…' : button.label}
          </Button>
        </>
      }
    />
  )
}

/**
 * Points are spent only after the member confirms, seeing the balance before and after (a claim
 * that costs points is a purchase). Without the balance (offline) the price alone is shown.
 */
async function confirmSpend(coupon: ClaimableCoupon): Promise<boolean> {
  const wallet = await fetchWalletSummary().catch(() => null)
  // Short lines: a dialog wraps long ones mid-number.
  const content = wallet
    ? `积分 ${formatPoints(wallet.balance)} → ${formatPoints(wallet.balance - coupon.pricePoints)}`
    : `兑换「${coupon.name}」`
  const title = `用 ${formatPoints(coupon.pricePoints)} 积分兑换？`
  const { confirm } = await Taro.showModal({ title, content, confirmText: '兑换', cancelText: '再想想' })
  return confirm
}
