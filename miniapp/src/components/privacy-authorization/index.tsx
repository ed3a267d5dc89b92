import { useCallback, useEffect, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { PRIVACY_PAGE } from '../../services/privacy'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'
const AGREE_BUTTON_ID = 'privacy-agree'
type Resolve = Parameters<Parameters<typeof Taro.onNeedPrivacyAuthorization>[0]>[0]

/**
 * WeChat's privacy authorisation (app.json `__usePrivacyCheck__`): before the phone number, a photo or the
 * clipboard, WeChat asks the page through wx.onNeedPrivacyAuthorization, and the member agrees on our
 * button with open-type agreePrivacyAuthorization (or declines; the API then fails). The listener is one
 * per app, so each page that uses those APIs renders this and takes the listener over when it shows.
 * Renders nothing on H5, which has no such flow (the guide is agreed at login there as on weapp).
 */
export default function PrivacyAuthorization() {
  const [pending, setPending] = useState<{ resolve: Resolve } | null>(null)

  const listen = useCallback(() => {
    if (!isWeapp || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
    Taro.onNeedPrivacyAuthorization((resolve) => {
      resolve({ event: 'exposureAuthorization' })
      setPending({ resolve })
    })
  }, [])
  useEffect(listen, [listen])
  useDidShow(listen)

  if (!pending) return null
  const answer = (agreed: boolean) => {
    pending.resolve(agreed ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' })
    setPending(null)
  }
  return (
    <View className='privacy-auth'>
      <View className='surface privacy-auth__sheet'>
        <Text className='privacy-auth__title'>隐私保护提示</Text>
        <Text className='privacy-auth__text'>
          使用手机号、相册/相机或剪贴板前，请阅读并同意《会员隐私保护指引》。我们仅将这些信息用于会员服务。
        </Text>
        <Text className='privacy-auth__link' onClick={() => void Taro.navigateTo({ url: PRIVACY_PAGE })}>
          查看《会员隐私保护指引》
        </Text>
        <View className='privacy-auth__actions'>
          <Button className='btn-quiet privacy-auth__disagree' onClick={() => answer(false)}>
            拒绝
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className='btn-primary privacy-auth__agree'
            openType='agreePrivacyAuthorization'
            onAgreePrivacyAuthorization={() => answer(true)}
          >
            同意
          </Button>
        </View>
      </View>
    </View>
  )
}
