import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { PRIVACY_GUIDE } from '@mall/shared'
import { ApiError } from '../../services/api'
import { agreeToPrivacyGuide } from '../../services/privacy'
import { LOGIN_PAGE, goToCard, logout } from '../../services/session'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * 会员隐私保护指引: what is collected, why, how long it is kept and who sees it (the same text on weapp and H5,
 * from @mall/shared). Opened with `consent=1` right after a login that has not agreed to this version: 同意
 * records the agreement and goes on to the card (on weapp the button also gives WeChat's privacy
 * authorisation); 不同意 ends the session, since the member services need the data the guide names.
 */
export default function PrivacyPage() {
  const asking = useRouter().params.consent === '1'
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState('')

  const agree = async () => {
    if (saving) return
    setSaving(true)
    setError('')
    try {
      await agreeToPrivacyGuide()
      goToCard()
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '提交失败，请重试')
    } finally {
      setSaving(false)
    }
  }

  const disagree = async () => {
    const { confirm } = await Taro.showModal({
      title: '不同意隐私保护指引',
      content: '不同意将无法使用会员服务，并退出登录。您可以随时重新登录后再阅读。',
      confirmText: '退出登录',
      cancelText: '再看看',
    })
    if (!confirm) return
    logout()
    void Taro.reLaunch({ url: LOGIN_PAGE })
  }

  return (
    <View className='page privacy-page'>
      <View className='surface privacy-guide'>
        <Text className='privacy-guide__title'>{PRIVACY_GUIDE.title}</Text>
        <Text className='muted privacy-guide__version'>版本 {PRIVACY_GUIDE.version}</Text>
        {PRIVACY_GUIDE.sections.map((s) => (
          <View key={s.title} className='privacy-section'>
            <Text className='privacy-section__title'>{s.title}</Text>
            {s.paragraphs.map((p) => (
              <Text key={p} className='privacy-section__text'>
                {p}
              </Text>
            ))}
          </View>
        ))}
      </View>
      {asking ? (
        <View className='surface privacy-consent'>
          <Text className='privacy-consent__note'>请阅读并同意以上指引后继续使用会员服务。</Text>
          {error ? <Text className='error-text privacy-consent__error'>{error}</Text> : null}
          <Button
            className={`btn-primary privacy-agree ${saving ? 'is-busy' : ''}`}
            openType={isWeapp ? 'agreePrivacyAuthorization' : undefined}
            loading={saving}
            disabled={saving || undefined}
            onClick={() => void agree()}
          >
            同意并继续
          </Button>
          <Button className='btn-quiet privacy-disagree' onClick={() => void disagree()}>
            不同意
          </Button>
        </View>
      ) : null}
    </View>
  )
}
