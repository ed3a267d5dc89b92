import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { BaseEventOrig, ButtonProps } from '@tarojs/components'
import { ApiError, api } from '../../services/api'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * The member's phone number: masked when bound; otherwise WeChat's own phone authorisation on weapp
 * (getPhoneNumber: WeChat verifies the number, the server exchanges the code). A browser has no
 * verified number to offer, so H5 says where to bind it and why (gifts and till lookup by phone).
 */
export default function PhoneRow({ phoneMasked, onBound }: { phoneMasked: string | null; onBound: () => unknown }) {
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

  return (
    <View className='surface phone-card'>
      <View className='phone-card__row'>
        <Text className='phone-row__label'>手机号</Text>
        {phoneMasked ? (
          <Text className='phone-row__value'>{phoneMasked}</Text>
        ) : isWeapp ? (
          <Button
            className='btn-quiet phone-row__bind'
            size='mini'
            openType='getPhoneNumber'
            loading={binding}
            disabled={binding}
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
    </View>
  )
}
