import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Image } from '@tarojs/components'
import { FULFILMENT_TEXT, shanghaiDateTime, type GiftRedemption } from '@mall/shared'
import { MALL_PAGE, fetchRedemptions, imageSrc, redemptionUrl } from '../../services/mall'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { pointsText } from '../../lib/mall-format'
import RemoteState from '../../components/remote-state'
import './index.css'

/**
 * 我的兑换: every redemption, newest first, with its status in words (待领取 / 待发货 / 已发货（单号）/
 * 已领取 / 已取消 / 已过期). A tap opens it (pickup code, cancel). Test hooks: redemption-row, redemption-status.
 */
export default function MyRedemptionsPage() {
  const list = useRemoteData(fetchRedemptions)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void list.reload()
  })
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const items = list.data
  return (
    <View className='page redemptions-page'>
      {items && items.length > 0 ? (
        items.map((r) => <Row key={r.redemptionId} r={r} />)
      ) : items ? (
        <View className='surface state-box redemptions-empty'>
          <Text className='muted'>还没有兑换记录</Text>
          <Text className='gift-link' onClick={() => void Taro.reLaunch({ url: MALL_PAGE })}>
            去积分商城看看 ›
          </Text>
        </View>
      ) : (
        <RemoteState
          remote={list}
          errorClass='redemptions-error'
          loadingClass='redemptions-loading'
          loadingText='兑换记录加载中…'
        />
      )}
    </View>
  )
}

function Row({ r }: { r: GiftRedemption }) {
  const live = r.status === 'pending_pickup' || r.status === 'pending_shipment' || r.status === 'shipped'
  return (
    <View
      className='surface redemption-row'
      data-redemption-id={r.redemptionId}
      onClick={() => void Taro.navigateTo({ url: redemptionUrl(r.redemptionId) })}
    >
      {r.thumbUrl ? <Image className='redemption-row__thumb' src={imageSrc(r.thumbUrl)} mode='aspectFill' /> : null}
      <View className='redemption-row__body'>
        <Text className='redemption-row__name'>{r.giftName}</Text>
        <Text className='muted'>
          {pointsText(r.pricePoints)} · {FULFILMENT_TEXT[r.fulfilment]} · {shanghaiDateTime(r.redeemedAt)}
        </Text>
        <Text className={`redemption-status ${live ? 'redemption-status--live' : ''}`} data-status={r.status}>
          {r.statusText}
        </Text>
      </View>
    </View>
  )
}
