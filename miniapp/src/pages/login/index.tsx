import { useState } from 'react'
import Taro, { useLoad } from '@tarojs/taro'
import { View, Text, Input, Button } from '@tarojs/components'
import { ApiError } from '../../services/api'
import {
  DEMO_USERS,
  DEV_USER_RE,
  STAFF_LOGIN_PAGE,
  goToCard,
  loginAsDevUser,
  loginWithWechat,
  supportsDevLogin,
  supportsWechatLogin,
} from '../../services/session'
import { rememberInviter } from '../../services/inviter'
import { openOtherArea } from '../../lib/area-document'
import { offerDeletionCancelAtLogin } from '../../services/account-deletion'
import { PRIVACY_CONSENT_PAGE, privacyConsentRequired } from '../../services/privacy'
import './index.css'

/**
 * weapp: one-tap WeChat login. H5, and weapp development builds: demo login by user name (the
 * server decides whether dev login is allowed at all). Test hooks: .dev-user-input, .dev-login-button.
 */
export default function LoginPage() {
  const [devUser, setDevUser] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')

  useLoad((params) => rememberInviter(params))

  const run = async (login: () => Promise<{ isNewMember: boolean }>) => {
    if (submitting) return
    setSubmitting(true)
    setError('')
    try {
      const res = await login()
      if (res.isNewMember) void Taro.showToast({ title: '欢迎加入会员', icon: 'success' })
      // First login, or a newer privacy guide: the guide asks for agreement before the app goes on.
      if (await privacyConsentRequired()) void Taro.redirectTo({ url: PRIVACY_CONSENT_PAGE })
      else {
        await offerDeletionCancelAtLogin() // during a deletion's cooling-off: 撤销注销 right away
        goToCard()
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '登录失败，请重试')
    } finally {
      setSubmitting(false)
    }
  }

  const submitDevLogin = () => {
    const name = devUser.trim()
    if (!DEV_USER_RE.test(name)) {
      setError('用户名需为 2-32 位小写字母、数字或短横线')
      return
    }
    void run(() => loginAsDevUser(name))
  }

  return (
    <View className='page login-page'>
      <View className='login-hero'>
        <Text className='login-hero__title'>商场会员中心</Text>
        <Text className='login-hero__subtitle'>登录后查看会员卡、积分与会员码</Text>
      </View>

      {supportsWechatLogin ? (
        <View className='surface login-form'>
          {error && !supportsDevLogin ? <Text className='error-text login-error'>{error}</Text> : null}
          <Button
            className={`btn-primary wechat-login-button ${submitting ? 'is-busy' : ''}`}
            loading={submitting}
            disabled={submitting || undefined}
            onClick={() => void run(loginWithWechat)}
          >
            微信一键登录
          </Button>
          <Text className='muted login-note'>首次登录将自动开通会员</Text>
        </View>
      ) : null}

      {supportsDevLogin ? (
        <View className='surface login-form'>
          <Text className='login-form__label'>体验账号</Text>
          <Input
            className='dev-user-input'
            type='text'
            placeholder='输入用户名，如 alice'
            maxlength={32}
            value={devUser}
            confirmType='go'
            onInput={(e) => setDevUser(e.detail.value.toLowerCase())}
            onConfirm={submitDevLogin}
          />
          <View className='demo-users'>
            {DEMO_USERS.map((name) => (
              <Text
                key={name}
                className={`demo-user ${devUser === name ? 'demo-user--active' : ''}`}
                onClick={() => setDevUser(name)}
              >
                {name}
              </Text>
            ))}
          </View>
          {error ? <Text className='error-text login-error'>{error}</Text> : null}
          <Button
            className={`btn-primary dev-login-button ${submitting ? 'is-busy' : ''}`}
            loading={submitting}
            disabled={submitting || undefined}
            onClick={submitDevLogin}
          >
            登录
          </Button>
          <Text className='muted login-note'>
            {supportsWechatLogin ? '开发版专用：服务器需开启 DEV_LOGIN' : '体验环境专用，正式版请在微信中打开'}
          </Text>
        </View>
      ) : null}

      {/* Staff pages live in the staff subpackage: a link only, no staff code in the main package. */}
      <Text className='to-staff-login' onClick={() => openOtherArea(STAFF_LOGIN_PAGE, 'navigateTo')}>
        员工登录
      </Text>
    </View>
  )
}
