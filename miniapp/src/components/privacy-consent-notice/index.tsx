import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { PRIVACY_CONSENT_PAGE, fetchConsentStatus } from '../../services/privacy'
import { isLoggedIn } from '../../services/session'

/**
 * A row in 我的 while the member has not agreed to the privacy guide's current version: a member who stays
 * logged in sees a newer guide here before their next login asks for it. Opens the guide to agree. Nothing
 * when agreed, or when the status cannot be read (the login asks again anyway).
 */
export default function PrivacyConsentNotice() {
  const [required, setRequired] = useState(false)
  useDidShow(() => {
    if (!isLoggedIn()) return
    fetchConsentStatus()
      .then((s) => setRequired(s.required))
      .catch(() => setRequired(false))
  })
  if (!required) return null
  return (
    <View
      className='me-menu__item privacy-consent-notice'
      onClick={() => void Taro.navigateTo({ url: PRIVACY_CONSENT_PAGE })}
    >
      <Text className='error-text'>隐私保护指引有更新，请阅读并同意</Text>
      <Text className='muted'>›</Text>
    </View>
  )
}
