import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { BaseEventOrig, ButtonProps } from '@tarojs/components'
import { ApiError, api } from '../../services/api'
import { unbindPhone } from '../../services/privacy'
import PrivacyAuthorization from '../privacy-authorization'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * The member's phone number: masked when bound; otherwise WeChat's own phone authorisation on weapp
 * (getPhoneNumber: WeChat verifies the number, the server exchanges the code). A browser has no
 * verified number to offer, so H5 says where to bind it and why (gifts and till lookup by phone).
 * A bound number can be unbound after a confirmation (points and coupons stay). The phone number is one of
 * WeChat's privacy APIs: PrivacyAuthorization answers WeChat's authorisation request for it.
 */
export default function PhoneRow(props: { phoneMasked: string | null; onBound: () => unknown; canUnbind?: boolean }) {
  const { phoneMasked, onBound, canUnbind = false } = props
  const [binding, setBinding] = useState(false)

  const onGetPhoneNumber = async (e: BaseEventOrig<ButtonProps.onGetPhoneNumberEventDetail>) => {
    // No code = the member declined the WeChat phone authorisation sheet.
    const code = e.detail.code
    if (!code) {
      void Taro.showToast({ title: '未授权手机号', icon: 'none' })
      return
    }
    setBinding(true)
    try {
      await api.post('/api/me/phone', { code })
      void Taro.showToast({ title: '绑定成功', icon: 'success' })
      await onBound()
    } catch (err) {
      const message = err instanceof ApiError ? err.message : '绑定失败，请重试'
      void Taro.showToast({ title: message, icon: 'none' })
    } finally {
      setBinding(false)
    }
  }

  const onUnbind = async () => {
    const { confirm } = await Taro.showModal({
      title: '解绑手机号',
      content: '解绑后积分、优惠券和会员等级不受影响，但将无法凭手机号在服务台查询积分。确定解绑吗？',
      confirmText: '解绑',
      cancelText: '取消',
    })
    if (!confirm) return
    setBinding(true)
    try {
      await unbindPhone()
      void Taro.showToast({ title: '已解绑', icon: 'success' })
      await onBound()
    } catch (err) {
      void Taro.showToast({ title: err instanceof ApiError ? err.message : '解绑失败，请重试', icon: 'none' })
    } finally {
      setBinding(false)
    }
  }

  return (
    <View className='surface phone-card'>
      <View className='phone-card__row'>
        <Text className='phone-row__label'>手机号</Text>
        {phoneMasked ? (
          <View className='phone-card__bound'>
            <Text className='phone-row__value'>{phoneMasked}</Text>
            {canUnbind ? (
              <Button
                className='btn-quiet phone-row__unbind'
                size='mini'
                disabled={binding || undefined}
                onClick={() => void onUnbind()}
              >
                解绑
              </Button>
            ) : null}
          </View>
        ) : isWeapp ? (
          <Button
            className='btn-quiet phone-row__bind'
            size='mini'
            openType='getPhoneNumber'
            loading={binding}
            disabled={binding || undefined}
            onGetPhoneNumber={onGetPhoneNumber}
          >
            绑定手机号
          </Button>
        ) : (
          <Text className='muted phone-row__unbound'>未绑定</Text>
        )}
      </View>
      {!phoneMasked && !isWeapp ? (
        <Text className='muted phone-row__why'>
          请在微信中打开本商场小程序，在「我的」用微信验证的手机号绑定；绑定后可凭手机号在服务台查询积分、领取生日礼。
        </Text>
      ) : null}
      <PrivacyAuthorization />
    </View>
  )
}
