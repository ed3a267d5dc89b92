import { useCallback, useEffect, useState } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { FULFILMENT_TEXT, isCancellable, shanghaiDateTime, type GiftRedemption } from '@mall/shared'
import { ApiError } from '../../services/api'
import { MY_REDEMPTIONS_PAGE, cancelRedemption, fetchRedemption, pickupCodePath } from '../../services/mall'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { useRotatingCode } from '../../hooks/use-member-code'
import { pickupDeadlineText, pointsText } from '../../lib/mall-format'
import MemberCodePanel, { type CodePanelHooks } from '../../components/member-code-panel'
import RemoteState from '../../components/remote-state'
import './index.css'

const PICKUP_CODE_HOOKS: CodePanelHooks = { qr: 'pickup-qr', barcode: 'pickup-barcode', digits: 'pickup-code-digits' }

/**
 * 兑换详情 (?id=<13 digits>): the status in words, and while it waits at the desk the rotating pickup
 * code (QR + digits, like the member code); 取消兑换 before it is handed over or shipped gives the
 * points back. Once the desk hands it over, the next ask for the code (every 3 s while shown) answers
 * that it was, and the page shows 已领取. Test hooks: redemption-status, pickup-qr, pickup-code-digits,
 * redemption-cancel.
 */
export default function RedemptionPage() {
  const id = useRouter().params.id ?? ''
  const redemption = useRemoteData(() => fetchRedemption(id))
  const [busy, setBusy] = useState(false)
  const handleAuthLost = useCallback(() => {
    logout()
    goToLogin()
  }, [])
  const r = redemption.data
  const waiting = r?.status === 'pending_pickup'
  // Watched every 3 s while shown, so the desk's handover shows as 已领取 at once.
  const code = useRotatingCode(pickupCodePath(id), isLoggedIn() && waiting, handleAuthLost, 3)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    if (id) void redemption.reload()
  })

  // The desk handed it over (or it lapsed) while the code was on screen: read the new status.
  const decided = waiting && code.error?.code === 'REDEMPTION.ALREADY_DECIDED'
  useEffect(() => {
    if (decided) void redemption.reload()
  }, [decided]) // eslint-disable-line react-hooks/exhaustive-deps

  const cancel = async () => {
    if (!r || busy) return
    const { confirm } = await Taro.showModal({
      title: '取消兑换？',
      content: `${pointsText(r.pricePoints)}将退回账户`,
      confirmText: '取消兑换',
      cancelText: '不取消',
    })
    if (!confirm) return
    setBusy(true)
    try {
      await cancelRedemption(r.redemptionId)
      void Taro.showToast({ title: '已取消，积分已退回', icon: 'none' })
    } catch (e) {
      void Taro.showToast({ title: e instanceof ApiError ? e.message : '操作失败，请重试', icon: 'none' })
    } finally {
      setBusy(false)
      void redemption.reload()
    }
  }

  if (!id) {
    return (
      <View className='page redemption-page'>
        <View className='surface state-box redemption-gone'>
          <Text className='muted'>未指定兑换记录</Text>
          <Text className='gift-link' onClick={() => void Taro.redirectTo({ url: MY_REDEMPTIONS_PAGE })}>
            查看全部兑换 ›
          </Text>
        </View>
      </View>
    )
  }
  if (!r) {
    return (
      <View className='page redemption-page'>
        <RemoteState
          remote={redemption}
          errorClass='redemption-error'
          loadingClass='redemption-loading'
          loadingText='加载中…'
        />
      </View>
    )
  }
  return (
    <View className='page redemption-page'>
      <Facts r={r} />
      {waiting ? (
        <MemberCodePanel
          state={code}
          noun='提货码'
          hint='请到服务台出示此码领取'
          hooks={PICKUP_CODE_HOOKS}
          className='pickup-code-panel'
        />
      ) : null}
      {isCancellable(r.status) ? (
        <Button className={`btn-quiet redemption-cancel ${busy ? 'is-busy' : ''}`} onClick={() => void cancel()}>
          取消兑换
        </Button>
      ) : null}
      <Text className='gift-link' onClick={() => void Taro.redirectTo({ url: MY_REDEMPTIONS_PAGE })}>
        查看全部兑换 ›
      </Text>
    </View>
  )
}

function Facts({ r }: { r: GiftRedemption }) {
  const rows: [string, string][] = [
    ['礼品', r.giftName],
    ['所用积分', pointsText(r.pricePoints)],
    ['领取方式', FULFILMENT_TEXT[r.fulfilment]],
    ['兑换时间', shanghaiDateTime(r.redeemedAt)],
  ]
  if (r.status === 'pending_pickup' && r.expiresAt) rows.push(['领取期限', pickupDeadlineText(r.expiresAt)])
  if (r.address) rows.push(['收货地址', `${r.address.name} ${r.address.phone} ${r.address.region} ${r.address.detail}`])
  if (r.refundedPoints) rows.push(['退回积分', pointsText(r.refundedPoints)])
  return (
    <View className='surface redemption-facts'>
      <Text className='redemption-facts__status redemption-status' data-status={r.status}>
        {r.statusText}
      </Text>
      {rows.map(([label, value]) => (
        <View key={label} className='redemption-fact'>
          <Text className='redemption-fact__label'>{label}</Text>
          <Text className='redemption-fact__value'>{value}</Text>
        </View>
      ))}
    </View>
  )
}
