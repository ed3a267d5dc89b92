import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { MemberCoupon } from '@mall/shared'
import { COUPONS_PAGE, couponDetailUrl, fetchMyCoupons } from '../../services/coupons'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData, type RemoteData } from '../../hooks/use-remote-data'
import { MY_COUPON_TABS, isExpiringSoon, storesText, validUntilText, type CouponStatus } from '../../lib/coupon-format'
import { formatShanghaiDateTime } from '../../lib/points-format'
import CouponTicket from '../../components/coupon-ticket'
import RemoteState from '../../components/remote-state'
import './index.css'

/**
 * 我的券: unused / used / expired tabs, each its own cached list (switching back shows the last
 * list at once and refreshes it). Unused coupons open the detail with the scannable code.
 * Test hooks: my-coupons-tab (data-status, is-active), my-coupon, expiring-badge.
 */
export default function MyCouponsPage() {
  const [tab, setTab] = useState<CouponStatus>('unused')
  // Fixed set of hooks (one per tab), so the hook order never changes between renders.
  const lists: Record<CouponStatus, RemoteData<MemberCoupon[]>> = {
    unused: useRemoteData(() => fetchMyCoupons('unused')),
    used: useRemoteData(() => fetchMyCoupons('used')),
    expired: useRemoteData(() => fetchMyCoupons('expired')),
  }
  const current = lists[tab]

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    // Back from the detail page: a coupon may have been redeemed meanwhile.
    void lists[tab].reload()
  })

  usePullDownRefresh(() => {
    void lists[tab].reload().finally(() => Taro.stopPullDownRefresh())
  })

  const switchTab = (status: CouponStatus) => {
    if (status === tab) return
    setTab(status)
    void lists[status].reload()
  }

  const now = new Date()

  return (
    <View className='page my-coupons-page'>
      <View className='surface my-coupons-tabs'>
        {MY_COUPON_TABS.map((t) => (
          <View
            key={t.status}
            className={`my-coupons-tab ${t.status === tab ? 'is-active' : ''}`}
            data-status={t.status}
            onClick={() => switchTab(t.status)}
          >
            <Text>{t.label}</Text>
          </View>
        ))}
      </View>

      {current.data && current.data.length > 0 ? (
        current.data.map((c) => <MyCouponRow key={c.couponId} coupon={c} now={now} />)
      ) : current.data ? (
        <View className='surface state-box my-coupons-empty'>
          <Text className='muted'>{MY_COUPON_TABS.find((t) => t.status === tab)?.empty}</Text>
          {tab === 'unused' ? (
            <Button className='btn-quiet' size='mini' onClick={() => void Taro.navigateTo({ url: COUPONS_PAGE })}>
              去领券
            </Button>
          ) : null}
        </View>
      ) : (
        <RemoteState
          remote={current}
          errorClass='my-coupons-error'
          loadingClass='my-coupons-loading'
          loadingText='优惠券加载中…'
        />
      )}
    </View>
  )
}

function MyCouponRow({ coupon, now }: { coupon: MemberCoupon; now: Date }) {
  const unused = coupon.status === 'unused'
  const open = unused ? () => void Taro.navigateTo({ url: couponDetailUrl(coupon.couponId) }) : undefined
  return (
    <CouponTicket
      className={`my-coupon my-coupon--${coupon.status}`}
      headline={coupon.headline}
      name={coupon.name}
      type={coupon.type}
      dimmed={!unused}
      onClick={open}
      lines={
        <>
          {coupon.status === 'used' && coupon.redeemedAt ? (
            <Text>已使用 {formatShanghaiDateTime(coupon.redeemedAt)}</Text>
          ) : (
            <Text>{validUntilText(coupon.validTo)}</Text>
          )}
          <Text>适用门店：{storesText(coupon.storeIds)}</Text>
        </>
      }
      aside={
        unused ? (
          <>
            {isExpiringSoon(coupon, now) ? <Text className='expiring-badge'>3天内过期</Text> : null}
            <Text className='my-coupon__use'>去使用 ›</Text>
          </>
        ) : (
          <Text className='my-coupon__stamp'>{coupon.status === 'used' ? '已使用' : '已过期'}</Text>
        )
      }
    />
  )
}
