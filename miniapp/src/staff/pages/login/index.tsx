import { useState } from 'react'
import { useLoad } from '@tarojs/taro'
import { View, Text, Input, Button } from '@tarojs/components'
import { staffLoginRequest } from '@mall/shared'
import { ApiError } from '../../../services/api'
import { LOGIN_PAGE } from '../../../services/session'
import { openOtherArea } from '../../../lib/area-document'
import { goToStaffHome, isStaffLoggedIn, staffLogin } from '../../../services/staff'
import { lockoutText } from '../../lib/staff-format'
import '../../staff.css'
import './index.css'

/**
 * Staff login (username + password). The staff session is stored apart from the member's, so a
 * clerk who is also a member stays logged in as both. Hooks: staff-username, staff-password,
 * staff-login-button, staff-login-error.
 */
export default function StaffLoginPage() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')

  useLoad(() => {
    if (isStaffLoggedIn()) goToStaffHome()
  })

  const submit = async () => {
    if (submitting) return
    const name = username.trim()
    if (!staffLoginRequest.shape.username.safeParse(name).success) {
      setError('请输入正确的用户名（字母、数字、_ . -）')
      return
    }
    if (!password) {
      setError('请输入密码')
      return
    }
    setSubmitting(true)
    setError('')
    try {
      await staffLogin(name, password)
      goToStaffHome()
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      setError(err.code === 'AUTH.LOCKED' ? lockoutText(err.retryAfter) : err.message)
      setPassword('')
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <View className='page staff-page'>
      <View className='staff-login-hero'>
        <Text className='staff-login-hero__title'>门店员工登录</Text>
        <Text className='muted'>积分发放、券核销与门店报表</Text>
      </View>
      <View className='surface staff-section'>
        <Text className='staff-label'>用户名</Text>
        <Input
          className='staff-input staff-username'
          type='text'
          placeholder='员工账号'
          maxlength={64}
          value={username}
          onInput={(e) => setUsername(e.detail.value)}
        />
        <Text className='staff-label'>密码</Text>
        <Input
          className='staff-input staff-password'
          password
          type='text'
          placeholder='密码'
          maxlength={256}
          value={password}
          confirmType='go'
          onInput={(e) => setPassword(e.detail.value)}
          onConfirm={() => void submit()}
        />
        {error ? <Text className='staff-error staff-login-error'>{error}</Text> : null}
        <Button
          className={`btn-primary staff-login-button ${submitting ? 'is-busy' : ''}`}
          loading={submitting}
          onClick={() => void submit()}
        >
          登录
        </Button>
      </View>
      <Text className='staff-login-back' onClick={() => openOtherArea(LOGIN_PAGE, 'reLaunch')}>
        返回会员登录
      </Text>
    </View>
  )
}
