import { useCallback } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { COUPON_TYPE_NAMES, type MemberCoupon } from '@mall/shared'
import { MY_COUPONS_PAGE, couponCodePath, couponIdFromParam, fetchMyCoupon } from '../../services/coupons'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { useRotatingCode } from '../../hooks/use-member-code'
import { storesText, validityRangeText } from '../../lib/coupon-format'
import MemberCodePanel, { type CodePanelHooks } from '../../components/member-code-panel'
import RemoteState from '../../components/remote-state'
import './index.css'

const COUPON_CODE_HOOKS: CodePanelHooks = { qr: 'coupon-qr', barcode: 'coupon-barcode', digits: 'coupon-code-digits' }

/**
 * 券详情 (?couponId=123456%237): what the coupon is, where it works, and its rotating code for
 * staff to scan (the member-card code panel, pointed at the coupon's code endpoint). Once staff
 * redeem it, the next ask (every 3 s while shown) answers that it was, and the page says 已使用.
 * Test hooks: coupon-detail-headline, coupon-stores, coupon-qr, coupon-code-digits.
 */
export default function CouponDetailPage() {
  const couponId = couponIdFromParam(useRouter().params.couponId)
  const coupon = useRemoteData(() => fetchMyCoupon(couponId))

  const handleAuthLost = useCallback(() => {
    logout()
    goToLogin()
  }, [])
  const loggedIn = isLoggedIn()
  // Watched every 3 s while shown, so a redemption at the till shows as 已使用 at once.
  const code = useRotatingCode(couponCodePath(couponId), loggedIn && couponId !== '', handleAuthLost, 3)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    if (couponId) void coupon.reload()
  })

  if (!couponId) {
    return <Gone text='未指定优惠券' />
  }
  // Used, expired or not this member's: the list no longer has it, so there is no code to show.
  if (!coupon.data && coupon.error?.code === 'COUPON.NOT_FOUND') {
    return <Gone text='该券已使用或已过期' />
  }

  return (
    <View className='page coupon-detail-page'>
      {coupon.data ? (
        <CouponInfo coupon={coupon.data} />
      ) : (
        <RemoteState
          remote={coupon}
          errorClass='coupon-detail-error'
          loadingClass='coupon-detail-loading'
          loadingText='优惠券加载中…'
        />
      )}

      {code.error?.code === 'COUPON.ALREADY_REDEEMED' ? (
        // Redeemed at the till while the code was on screen: a confirmation, not an error to retry.
        <View className='surface state-box coupon-used'>
          <Text className='coupon-used__mark'>✓ 已使用</Text>
          <Text className='muted'>店员已核销此券，感谢光临</Text>
          <Button className='btn-quiet' size='mini' onClick={() => void Taro.redirectTo({ url: MY_COUPONS_PAGE })}>
            返回我的券
          </Button>
        </View>
      ) : (
        <MemberCodePanel
          state={code}
          noun='券码'
          hint='请向店员出示此码核销'
          hooks={COUPON_CODE_HOOKS}
          className='coupon-code-panel'
        />
      )}
    </View>
  )
}

function CouponInfo({ coupon }: { coupon: MemberCoupon }) {
  return (
    <View className='coupon-detail'>
      <View className='coupon-detail__hero'>
        <Text className='coupon-detail__headline coupon-detail-headline'>{coupon.headline}</Text>
        <Text className='coupon-detail__name'>{coupon.name}</Text>
        <Text className='coupon-detail__type'>{COUPON_TYPE_NAMES[coupon.type] ?? ''}</Text>
      </View>
      <View className='surface coupon-detail__facts'>
        <Fact label='有效期' value={validityRangeText(coupon.validFrom, coupon.validTo)} />
        <Fact label='适用门店' value={storesText(coupon.storeIds)} className='coupon-stores' />
        <Fact label='使用说明' value='请向店员出示此码核销，每张券限用一次' />
      </View>
    </View>
  )
}

function Fact({ label, value, className = '' }: { label: string; value: string; className?: string }) {
  return (
    <View className='coupon-detail__fact'>
      <Text className='coupon-detail__fact-label'>{label}</Text>
      <Text className={`coupon-detail__fact-value ${className}`}>{value}</Text>
    </View>
  )
}

function Gone({ text }: { text: string }) {
  return (
    <View className='page coupon-detail-page'>
      <View className='surface state-box coupon-detail-gone'>
        <Text className='muted'>{text}</Text>
        <Button className='btn-quiet' size='mini' onClick={() => void Taro.redirectTo({ url: MY_COUPONS_PAGE })}>
          返回我的券
        </Button>
      </View>
    </View>
  )
}
